"""Settings of the demo project: every capability of the framework in small form."""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent

# SECRET_KEY and DEBUG come from example/.env, written by `make run` (scripts/prepare_demo.py).
SECRET_KEY = ""
DEBUG = False

ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

INSTALLED_APPS: list[str] = [
    "framework.contrib.auth",  # users, roles, tokens; /login and /logout
    "framework.openapi",  # /openapi.json, /docs, /redoc
    "example.accounts",  # /account (log in first) and /api/me (Bearer token)
    "example.store",  # products (pydantic), reviews (marshmallow), uploads, a webhook
]

LOGIN_REDIRECT_URL = "/account"

# Uploads (product images, review attachments) go here, under generated names.
MEDIA_ROOT = "media"

OPENAPI_TITLE = "Catalog"
OPENAPI_VERSION = "1.0.0"
OPENAPI_DESCRIPTION = """
The demo project's API: products validated with pydantic, reviews with marshmallow.
"""

DATABASES = {
    "default": "sqlite+aiosqlite:///db.sqlite3",
}
