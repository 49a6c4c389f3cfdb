"""Settings of the demo project: every capability of the framework in small form."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

# SECRET_KEY and DEBUG come from example/.env, written by `make run` (scripts/prepare_demo.py).
SECRET_KEY = ""
DEBUG = False

ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

INSTALLED_APPS: list[str] = [
    "framework.contrib.auth",  # users, roles, tokens; /login and /logout
    "example.accounts",  # /account (log in first) and /api/me (Bearer token)
]

LOGIN_REDIRECT_URL = "/account"

DATABASES = {
    "default": "sqlite+aiosqlite:///db.sqlite3",
}
