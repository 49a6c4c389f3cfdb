"""Security checks on settings: a weak SECRET_KEY stops the server; ``--deploy`` adds advice.

Every message has a stable id (``security.E001``); ``manage.py check --deploy`` lists them
all and exits non-zero on errors. Checks that need the middleware classes live beside them
(``framework.web.checks``, ``framework.auth.checks``); these read settings only.

Django's ids are kept where the meaning is the same (W004, W008, W009, W012, W015, W018,
W020); checks of this framework's own settings are numbered from 030.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from framework.checks import CheckMessage, Error, Info, Warning, register

__all__ = [
    "SECRET_KEY_HINT",
    "check_cross_origin_settings",
    "check_deployment",
    "check_secret_key",
    "check_secret_key_fallbacks",
    "check_security_headers",
    "check_session_cookie",
    "cors_allows_any_origin",
    "secret_key_problem",
    "signing_keys",
]

_PLACEHOLDERS = ("insecure", "changeme", "change-me", "notasecret", "secret", "dev")
SECRET_KEY_MIN_LENGTH = 32
SECRET_KEY_MIN_UNIQUE = 5
#: An origin no allow-list names: a regular expression that matches it matches anything.
_ANY_ORIGIN = "https://attacker.invalid"


def secret_key_problem(key: Any) -> str | None:
    """Return why *key* is unfit to sign cookies, or None when it is strong enough."""
    if not key:
        return "SECRET_KEY is not set"
    if not isinstance(key, str):
        return "SECRET_KEY is not a string"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"SECRET_KEY has fewer than {SECRET_KEY_MIN_LENGTH} characters"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE:
        return f"SECRET_KEY has fewer than {SECRET_KEY_MIN_UNIQUE} distinct characters"
    if key.lower().startswith(_PLACEHOLDERS):
        return "SECRET_KEY looks like a placeholder"
    return None


def cors_allows_any_origin(origins: Collection[str], regex: str | None) -> bool:
    """Return whether the CORS settings let every site in (``'*'``, or a catch-all regex)."""
    if "*" in origins:
        return True
    if not regex:
        return False
    try:
        return re.fullmatch(regex, _ANY_ORIGIN) is not None
    except re.error:
        return False


SECRET_KEY_HINT = (
    "Put a long random value in the .env file or the environment, e.g. SECRET_KEY="
    "$(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
)


@register("security")
def check_secret_key(app_configs: Any = None) -> list[CheckMessage]:
    """Refuse a missing or weak SECRET_KEY when DEBUG is off (development is let through)."""
    from framework.conf import settings

    problem = secret_key_problem(settings.SECRET_KEY)
    if problem is None:
        return []
    if settings.DEBUG:
        return [
            Warning(
                f"{problem}; acceptable only while DEBUG is on.", SECRET_KEY_HINT, "security.W001"
            )
        ]
    return [Error(f"{problem} and DEBUG is off.", SECRET_KEY_HINT, "security.E001")]


def signing_keys(settings: Any = None) -> list[str]:
    """Return SECRET_KEY then SECRET_KEY_FALLBACKS: sign with the first, verify with any.

    Everything the framework signs (session and remember-me cookies, session hashes, Digest
    nonces) verifies against this list, so rotating the key logs nobody out.
    """
    if settings is None:
        from framework.conf import settings
    fallbacks = settings.SECRET_KEY_FALLBACKS or []
    if isinstance(fallbacks, str):
        fallbacks = [fallbacks]
    return [str(settings.SECRET_KEY), *(str(key) for key in fallbacks if key)]


@register("security", deploy=True)
def check_secret_key_fallbacks(app_configs: Any = None) -> list[CheckMessage]:
    """Warn about weak SECRET_KEY_FALLBACKS: a value they signed is still accepted."""
    from framework.conf import settings

    messages: list[CheckMessage] = []
    for index, key in enumerate(signing_keys(settings)[1:]):
        problem = secret_key_problem(key)
        if problem is not None:
            messages.append(
                Warning(
                    f"SECRET_KEY_FALLBACKS[{index}]: "
                    + problem.replace("SECRET_KEY ", "the key ", 1)
                    + "; what it signed can be forged while it is listed.",
                    "Remove it once the values it signed have expired.",
                    "security.W025",
                )
            )
    return messages


@register("security")
def check_cross_origin_settings(app_configs: Any = None) -> list[CheckMessage]:
    """Refuse settings that trust every other site: CSRF or CORS wildcards (with cookies)."""
    from framework.conf import settings

    messages: list[CheckMessage] = []
    for origin in settings.CSRF_TRUSTED_ORIGINS:
        if "*" in str(origin):
            messages.append(
                Error(
                    f"CSRF_TRUSTED_ORIGINS entry {origin!r} contains '*': wildcards are not "
                    "supported, and trusting every origin would turn CSRF protection off.",
                    "List each trusted origin with its scheme, e.g. 'https://app.example.com'.",
                    "security.E031",
                )
            )
    if settings.CORS_ALLOW_CREDENTIALS and cors_allows_any_origin(
        settings.CORS_ALLOW_ORIGINS, settings.CORS_ALLOW_ORIGIN_REGEX
    ):
        messages.append(
            Error(
                "CORS allows every origin together with CORS_ALLOW_CREDENTIALS: any site could "
                "read responses made with the visitor's cookies.",
                "List the origins in CORS_ALLOW_ORIGINS, and keep CORS_ALLOW_ORIGIN_REGEX to "
                "your own domains.",
                "security.E032",
            )
        )
    return messages


@register("security", deploy=True)
def check_deployment(app_configs: Any = None) -> list[CheckMessage]:
    """Give Django-style advice on DEBUG, the key, hosts and HTTPS (``check --deploy``)."""
    from framework.conf import settings

    messages: list[CheckMessage] = []
    if settings.DEBUG:
        messages.append(
            Warning(
                "DEBUG is on in deployment: tracebacks and settings leak to visitors.",
                "Set DEBUG=false in the production environment.",
                "security.W018",
            )
        )
        problem = secret_key_problem(settings.SECRET_KEY)
        if problem:
            messages.append(Warning(f"{problem}.", SECRET_KEY_HINT, "security.W009"))
    hosts = list(settings.ALLOWED_HOSTS)
    if not hosts:
        messages.append(
            Error("ALLOWED_HOSTS is empty: every request will be refused.", None, "security.E020")
        )
    elif "*" in hosts:
        messages.append(
            Warning(
                "ALLOWED_HOSTS contains '*': Host header attacks are not stopped.",
                "List the domain names the site serves.",
                "security.W020",
            )
        )
    if not settings.SECURE_HSTS_SECONDS:
        messages.append(
            Warning(
                "SECURE_HSTS_SECONDS is not set: browsers may reach the site over HTTP.",
                "Once the site is HTTPS-only, set SECURE_HSTS_SECONDS (e.g. 31536000).",
                "security.W004",
            )
        )
    if not settings.SECURE_SSL_REDIRECT:
        messages.append(
            Warning(
                "SECURE_SSL_REDIRECT is off: plain-HTTP requests are served.",
                "Set SECURE_SSL_REDIRECT=true unless a proxy redirects to HTTPS for you.",
                "security.W008",
            )
        )
    return messages


@register("security", deploy=True)
def check_session_cookie(app_configs: Any = None) -> list[CheckMessage]:
    """Warn about session cookie flags relaxed below the defaults (Secure, HttpOnly, SameSite)."""
    from framework.conf import settings

    messages: list[CheckMessage] = []
    if settings.SESSION_COOKIE_SECURE is False:
        messages.append(
            Warning(
                "SESSION_COOKIE_SECURE is False: session cookies travel over plain HTTP.",
                "Remove the setting (it defaults to Secure unless DEBUG) or set it True.",
                "security.W012",
            )
        )
    if not settings.SESSION_COOKIE_HTTPONLY:
        messages.append(
            Warning(
                "SESSION_COOKIE_HTTPONLY is False: scripts on the page, injected ones too, can "
                "read the session cookie.",
                "Remove the setting (it defaults to True).",
                "security.W015",
            )
        )
    if str(settings.SESSION_COOKIE_SAMESITE).lower() == "none":
        messages.append(
            Warning(
                "SESSION_COOKIE_SAMESITE is 'none': browsers send the session cookie with "
                "requests that other sites make.",
                "Use 'lax' (the default) or 'strict'; 'none' is only for pages embedded in "
                "other sites, which then rely on the CSRF check alone.",
                "security.W033",
            )
        )
    return messages


@register("security", deploy=True)
def check_security_headers(app_configs: Any = None) -> list[CheckMessage]:
    """Warn when SECURE_HEADERS drops nosniff or X-Frame-Options; note public API docs."""
    from framework.conf import settings

    headers = {
        str(name).lower(): str(value).strip().lower()
        for name, value in dict(settings.SECURE_HEADERS or {}).items()
        if value
    }
    messages: list[CheckMessage] = []
    if headers.get("x-content-type-options") != "nosniff":
        messages.append(
            Warning(
                "SECURE_HEADERS does not send 'X-Content-Type-Options: nosniff': browsers may "
                "guess a response's type and run an upload as a script.",
                "Keep the default 'X-Content-Type-Options': 'nosniff' in SECURE_HEADERS.",
                "security.W006",
            )
        )
    if "x-frame-options" not in headers:
        messages.append(
            Warning(
                "SECURE_HEADERS does not send X-Frame-Options: other sites can frame the pages "
                "(clickjacking).",
                "Keep the default 'X-Frame-Options': 'DENY' in SECURE_HEADERS ('SAMEORIGIN' if "
                "the site frames its own pages).",
                "security.W002",
            )
        )
    shown = ", ".join(_api_doc_urls(settings))
    if shown:
        messages.append(
            Info(
                f"The API documentation is public ({shown}): anyone can list every route and "
                "schema.",
                "Fine for a public API; otherwise set OPENAPI_ENABLED=false, or empty the "
                "OPENAPI_*_URL settings you do not want served.",
                "security.I036",
            )
        )
    return messages


def _api_doc_urls(settings: Any) -> list[str]:
    """Return the URLs the framework.openapi app serves (none when it is off or absent)."""
    installed = any(
        str(entry) == "framework.openapi" or str(entry).startswith("framework.openapi.")
        for entry in settings.INSTALLED_APPS
    )
    if not installed or not settings.OPENAPI_ENABLED:
        return []
    urls = (
        settings.OPENAPI_URL,
        settings.OPENAPI_YAML_URL,
        settings.OPENAPI_DOCS_URL,
        settings.OPENAPI_REDOC_URL,
    )
    return [url for url in urls if url]
