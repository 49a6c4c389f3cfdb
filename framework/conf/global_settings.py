"""Framework defaults: the lowest layer of settings, secure unless a project relaxes them.

Every key here is a setting the framework reads. A project's settings module overrides them;
``.env`` and the OS environment override the module, cast to the type of the value below.
"""

from __future__ import annotations

# -- core -------------------------------------------------------------------------------------

#: Development conveniences (debug pages, auto-reload) are never on unless asked for.
DEBUG = False
#: Signs sessions and tokens. ``startproject`` writes a fresh one into the project's ``.env``;
#: with DEBUG off the server refuses to start without a strong one.
SECRET_KEY = ""
#: Host headers the server answers to; always checked (a bad Host gets a 400).
ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
#: Apps of the project, in order: module paths or ``AppConfig`` subclass paths.
INSTALLED_APPS: list[str] = []
#: Root of the project; derived from the settings module when not set.
BASE_DIR = None
#: ``"package.module:attribute"`` of the ASGI application; derived from the settings module
#: (``<project>.asgi:app``) when empty.
ASGI_APPLICATION = ""

# -- web ----------------------------------------------------------------------------------------

#: Middleware as import strings, outermost first.
MIDDLEWARE: list[str] = []
#: Largest request body in bytes (413 above it); 0 disables the limit.
MAX_BODY_SIZE = 10 * 1024 * 1024

# -- database -----------------------------------------------------------------------------------

#: Fills ``DATABASES["default"]`` when set, e.g. ``postgresql+asyncpg://user:pass@host/db``.
DATABASE_URL = ""
#: Alias → URL (or ``{"URL": ..., "OPTIONS": {...}}``). Relative SQLite paths are relative to
#: BASE_DIR.
DATABASES = {"default": "sqlite+aiosqlite:///db.sqlite3"}
#: Wrap each request in one transaction.
ATOMIC_REQUESTS = False

# -- templates and static files -----------------------------------------------------------------

TEMPLATES_DIRS: list[str] = []
STATIC_URL = "/static/"
STATIC_ROOT = ""

# -- passwords ----------------------------------------------------------------------------------

#: passlib schemes; the first hashes new passwords, the others are verified and upgraded.
PASSWORD_SCHEMES = ["argon2", "bcrypt", "pbkdf2_sha256"]

# -- HTTPS and cookies --------------------------------------------------------------------------

#: ``Strict-Transport-Security`` max-age in seconds; 0 sends no header.
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False
#: Redirect plain-HTTP requests to HTTPS.
SECURE_SSL_REDIRECT = False
#: Mark the session cookie ``Secure``; None means "unless DEBUG".
SESSION_COOKIE_SECURE = None
