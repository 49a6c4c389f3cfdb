"""Checks on the auth middleware (CSRF and authentication after the session) and hashing."""

from __future__ import annotations

from typing import Any

from framework.checks import CheckMessage, Error, Warning, register

__all__ = [
    "check_authentication_middleware",
    "check_csrf_installed",
    "check_csrf_middleware",
    "check_password_schemes",
]


@register("security")
def check_csrf_middleware(app_configs: Any = None) -> list[CheckMessage]:
    """Refuse CSRFMiddleware before SessionMiddleware; warn (deploy) when it is missing."""
    from framework.conf import settings

    session, csrf = _positions(settings.MIDDLEWARE)
    if session is not None and csrf is not None and csrf < session:
        return [
            Error(
                "CSRFMiddleware comes before SessionMiddleware in MIDDLEWARE: it cannot read "
                "the session, so every unsafe request with the session cookie fails.",
                "Move 'framework.auth.CSRFMiddleware' after "
                "'framework.web.middleware.SessionMiddleware'.",
                "security.E030",
            )
        ]
    return []


@register("security", deploy=True)
def check_csrf_installed(app_configs: Any = None) -> list[CheckMessage]:
    """Warn when sessions are on but CSRFMiddleware is not in MIDDLEWARE."""
    from framework.conf import settings

    session, csrf = _positions(settings.MIDDLEWARE)
    if session is None or csrf is not None or not settings.SECRET_KEY:
        return []
    return [
        Warning(
            "CSRFMiddleware is not in MIDDLEWARE while sessions are on: forms and "
            "cookie-authenticated requests are open to cross-site request forgery.",
            "Add 'framework.auth.CSRFMiddleware' to MIDDLEWARE after the SessionMiddleware.",
            "security.W003",
        )
    ]


@register("security")
def check_authentication_middleware(app_configs: Any = None) -> list[CheckMessage]:
    """Refuse AuthenticationMiddleware without a SessionMiddleware before it."""
    from framework.auth.middleware import AuthenticationMiddleware
    from framework.conf import settings
    from framework.web.middleware.loading import middleware_classes

    classes = middleware_classes(settings.MIDDLEWARE)
    auth = next((i for i, c in enumerate(classes) if issubclass(c, AuthenticationMiddleware)), None)
    session, _ = _positions(settings.MIDDLEWARE)
    if auth is None or (session is not None and session < auth):
        return []
    return [
        Error(
            "AuthenticationMiddleware needs the session (it reads the logged-in user from it), "
            "but no SessionMiddleware comes before it in MIDDLEWARE: every request would fail.",
            "Put 'framework.web.middleware.SessionMiddleware' before "
            "'framework.auth.AuthenticationMiddleware' in MIDDLEWARE.",
            "security.E033",
        )
    ]


def _positions(entries: Any) -> tuple[int | None, int | None]:
    """Return the index of the session and of the CSRF middleware in *entries* (or None)."""
    from framework.auth.csrf import CSRFMiddleware
    from framework.web.middleware.loading import middleware_classes
    from framework.web.sessions import SessionMiddleware

    session = csrf = None
    for index, cls in enumerate(middleware_classes(entries)):
        if session is None and issubclass(cls, SessionMiddleware):
            session = index
        elif csrf is None and issubclass(cls, CSRFMiddleware):
            csrf = index
    return session, csrf


#: The library each C-backed scheme hashes with: (module, the distribution to install).
_SCHEME_BACKENDS = {"argon2": ("argon2", "argon2-cffi"), "bcrypt": ("bcrypt", "bcrypt")}


@register("security", "auth")
def check_password_schemes(app_configs: Any = None) -> list[CheckMessage]:
    """Report PASSWORD_SCHEMES or PASSWORD_SCHEME_OPTIONS that passlib cannot use.

    Building the hasher here finds an unknown scheme or option before the first login does.
    The framework's own defaults are known to build (a test builds them), so with those the
    check only looks for the hashing library: a server that never hashes a password does not
    load passlib and argon2 at start.
    """
    from framework.conf import global_settings, settings

    missing = _missing_backend(list(settings.PASSWORD_SCHEMES))
    if missing:
        return missing
    defaults = (global_settings.PASSWORD_SCHEMES, global_settings.PASSWORD_SCHEME_OPTIONS)
    if (list(settings.PASSWORD_SCHEMES), settings.PASSWORD_SCHEME_OPTIONS) == defaults:
        return []
    return _unusable_schemes(settings)


def _missing_backend(schemes: list[str]) -> list[CheckMessage]:
    """Report passlib, or the library of the scheme that hashes new passwords, not installed."""
    import importlib.util

    needed = [("passlib", "libpass")]
    if schemes and schemes[0] in _SCHEME_BACKENDS:
        needed.append(_SCHEME_BACKENDS[schemes[0]])
    for module, distribution in needed:
        if importlib.util.find_spec(module) is None:
            return [
                Error(
                    f"PASSWORD_SCHEMES hashes with {schemes[0]!r}, but {module!r} is not "
                    "installed.",
                    hint=f"pip install {distribution}",
                    id="auth.E002",
                )
            ]
    return []


def _unusable_schemes(settings: Any) -> list[CheckMessage]:
    import difflib

    from framework.auth.passwords import PasswordHasher
    from framework.exceptions import ImproperlyConfigured

    try:
        _ = PasswordHasher.from_settings(settings).context  # built now, so errors show now
    except ImproperlyConfigured as exc:
        from passlib.registry import list_crypt_handlers

        known = list_crypt_handlers()
        wrong = [s for s in settings.PASSWORD_SCHEMES if s not in known]
        close = difflib.get_close_matches(wrong[0], known, n=1) if wrong else []
        hint = f"Did you mean {close[0]!r}? " if close else ""
        return [
            Error(
                str(exc),
                hint=f"{hint}Use passlib's names, e.g. ['argon2', 'bcrypt', 'pbkdf2_sha256'], "
                "and options those schemes take.",
                id="auth.E001",
            )
        ]
    return []
