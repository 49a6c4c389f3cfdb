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
    "framework.contrib.admin",  # /admin/: the models of every app (framework[admin])
    "framework.graphql",  # /graphql: each app's graphql.py (GraphiQL there when DEBUG)
    "example.home",  # / (the front page) and the layout, stylesheet and logo of every page
    "example.accounts",  # /account (log in first) and /api/me (Bearer token)
    "example.store",  # products (pydantic), reviews (marshmallow), uploads, a webhook
    "example.live",  # /live: a WebSocket echo and a Server-Sent Events counter
]

LOGIN_REDIRECT_URL = "/account"

# The framework's security headers, plus a Content-Security-Policy: scripts only from this
# server (no inline script, no CDN), so the demo's pages must work with their static files
# alone. Inline styles stay allowed for the built-in login form. The documentation pages set
# a policy of their own.
SECURE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
}

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
