"""Settings of the {{ cookiecutter.project_name }} project.

Each value here can be overridden by the .env file next to manage.py and then by the
environment (DEBUG=false, DATABASE_URL=...), cast to the type of the value below.
Run `python manage.py settings` to see the effective values and where they come from.
"""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# Secret values live in .env (written by startproject) or the environment, never here.
SECRET_KEY = ""
DEBUG = False

ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

INSTALLED_APPS = [
    "framework.contrib.auth",  # users, roles, API tokens; /login, /logout; createsuperuser
    "framework.openapi",  # /openapi.json, /docs (Swagger UI), /redoc
]

# SQLite file in the project folder; DATABASE_URL in the environment replaces it.
DATABASES = {
    "default": "sqlite+aiosqlite:///db.sqlite3",
}
