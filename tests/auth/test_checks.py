"""Checks on CSRF protection: after the session in MIDDLEWARE, and present when sessions are."""

from __future__ import annotations

import framework
from framework.checks import Error, Warning, run_checks

STRONG = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789"
PRODUCTION = (
    "DEBUG = False\nALLOWED_HOSTS = ['example.com']\n"
    "SECURE_HSTS_SECONDS = 31536000\nSECURE_SSL_REDIRECT = True\n"
)
SESSION = "framework.web.middleware.SessionMiddleware"
CSRF = "framework.auth.CSRFMiddleware"
HEADERS = "'framework.web.middleware.TrustedHostMiddleware', " + (
    "'framework.web.middleware.SecurityHeadersMiddleware'"
)


def configure(make_settings_module, middleware: str, key: str = STRONG) -> None:
    make_settings_module(f"SECRET_KEY = {key!r}\n{PRODUCTION}MIDDLEWARE = [{middleware}]\n")
    framework.setup()


def test_csrf_before_the_session_is_an_error(make_settings_module) -> None:
    configure(make_settings_module, f"{HEADERS}, {CSRF!r}, {SESSION!r}")
    assert run_checks() == [
        Error(
            "CSRFMiddleware comes before SessionMiddleware in MIDDLEWARE: it cannot read the "
            "session, so every unsafe request with the session cookie fails.",
            "Move 'framework.auth.CSRFMiddleware' after "
            "'framework.web.middleware.SessionMiddleware'.",
            "security.E030",
        )
    ]


def test_sessions_without_csrf_protection_get_a_deploy_warning(make_settings_module) -> None:
    configure(make_settings_module, f"{HEADERS}, {SESSION!r}")
    assert run_checks() == []
    assert run_checks(include_deployment=True) == [
        Warning(
            "CSRFMiddleware is not in MIDDLEWARE while sessions are on: forms and "
            "cookie-authenticated requests are open to cross-site request forgery.",
            "Add 'framework.auth.CSRFMiddleware' to MIDDLEWARE after the SessionMiddleware.",
            "security.W003",
        )
    ]


def test_no_sessions_no_csrf_needed(make_settings_module) -> None:
    configure(make_settings_module, HEADERS)
    assert run_checks(include_deployment=True) == []


def test_default_middleware_order_passes(make_settings_module) -> None:
    make_settings_module(f"SECRET_KEY = {STRONG!r}\n{PRODUCTION}")
    framework.setup()
    assert run_checks(include_deployment=True) == []


AUTHENTICATION = "framework.auth.AuthenticationMiddleware"


def test_authentication_middleware_without_the_session_before_it_is_an_error(
    make_settings_module,
) -> None:
    configure(make_settings_module, f"{HEADERS}, {AUTHENTICATION!r}, {SESSION!r}, {CSRF!r}")
    assert [message.id for message in run_checks()] == ["security.E033"]
    configure(make_settings_module, f"{HEADERS}, {SESSION!r}, {CSRF!r}, {AUTHENTICATION!r}")
    assert run_checks() == []


def test_the_default_password_schemes_build() -> None:
    # check_password_schemes skips building the passlib context for the default settings
    # (so a server start imports neither passlib nor argon2): they must be valid.
    from framework.auth.passwords import PasswordHasher
    from framework.conf import global_settings

    hasher = PasswordHasher(
        global_settings.PASSWORD_SCHEMES, global_settings.PASSWORD_SCHEME_OPTIONS
    )
    assert hasher.context.schemes() == tuple(global_settings.PASSWORD_SCHEMES)


def test_a_missing_hashing_library_is_an_error(make_settings_module, monkeypatch) -> None:
    import sys

    configure(make_settings_module, f"{HEADERS}, {SESSION!r}, {CSRF!r}")
    monkeypatch.setitem(sys.modules, "argon2", None)  # as if argon2-cffi were not installed
    assert run_checks(tags=["auth"]) == [
        Error(
            "PASSWORD_SCHEMES hashes with 'argon2', but 'argon2' is not installed.",
            "pip install argon2-cffi",
            "auth.E002",
        )
    ]


def test_a_missing_library_of_a_verify_only_scheme_is_no_error(
    make_settings_module, monkeypatch
) -> None:
    import sys

    configure(make_settings_module, f"{HEADERS}, {SESSION!r}, {CSRF!r}")
    monkeypatch.setitem(sys.modules, "bcrypt", None)  # bcrypt hashes are only verified
    assert run_checks(tags=["auth"]) == []
