"""Security checks on settings, messages verbatim, and ``check --deploy``'s exit status."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import framework
from framework.checks import Error, Info, Warning, run_checks
from framework.cli.app import cli
from framework.conf.security import cors_allows_any_origin

STRONG = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789"
PRODUCTION = (
    f"SECRET_KEY = {STRONG!r}\nDEBUG = False\nALLOWED_HOSTS = ['example.com']\n"
    "SECURE_HSTS_SECONDS = 31536000\nSECURE_SSL_REDIRECT = True\n"
)


@pytest.fixture
def configure(make_settings_module):
    """Return a function that selects a settings module of *source* and sets the project up."""

    def select(source: str) -> None:
        make_settings_module(source)
        framework.setup()

    return select


def test_a_production_configuration_passes_every_deploy_check(configure) -> None:
    configure(PRODUCTION)
    assert run_checks(include_deployment=True) == []


@pytest.mark.parametrize(
    "origin", ["*", "https://*", "https://*.example.com"], ids=["bare", "scheme", "subdomains"]
)
def test_csrf_trusted_origins_wildcard_is_an_error(configure, origin: str) -> None:
    configure(PRODUCTION + f"CSRF_TRUSTED_ORIGINS = ['https://app.example.com', {origin!r}]\n")
    assert run_checks(tags=["security"]) == [
        Error(
            f"CSRF_TRUSTED_ORIGINS entry {origin!r} contains '*': wildcards are not supported, "
            "and trusting every origin would turn CSRF protection off.",
            "List each trusted origin with its scheme, e.g. 'https://app.example.com'.",
            "security.E031",
        )
    ]


@pytest.mark.parametrize(
    "cors",
    [
        "CORS_ALLOW_ORIGINS = ['*']",
        "CORS_ALLOW_ORIGIN_REGEX = '.*'",
        "CORS_ALLOW_ORIGIN_REGEX = 'https://.*'",
    ],
    ids=["star", "catch-all-regex", "any-https-regex"],
)
def test_cors_wildcard_with_credentials_is_an_error(configure, cors: str) -> None:
    configure(PRODUCTION + f"{cors}\nCORS_ALLOW_CREDENTIALS = True\n")
    assert run_checks(tags=["security"]) == [
        Error(
            "CORS allows every origin together with CORS_ALLOW_CREDENTIALS: any site could read "
            "responses made with the visitor's cookies.",
            "List the origins in CORS_ALLOW_ORIGINS, and keep CORS_ALLOW_ORIGIN_REGEX to your "
            "own domains.",
            "security.E032",
        )
    ]


def test_cors_origins_that_name_sites_are_not_wildcards() -> None:
    assert not cors_allows_any_origin(["https://app.example.com"], None)
    assert not cors_allows_any_origin([], r"https://(\w+\.)?example\.com")
    assert not cors_allows_any_origin([], "(unbalanced")
    assert cors_allows_any_origin(["https://a.example", "*"], None)


def test_cors_wildcard_without_credentials_is_allowed(configure) -> None:
    configure(PRODUCTION + "CORS_ALLOW_ORIGINS = ['*']\n")
    assert run_checks(include_deployment=True) == []


def test_relaxed_session_cookie_flags_are_deploy_warnings(configure) -> None:
    configure(PRODUCTION + "SESSION_COOKIE_HTTPONLY = False\nSESSION_COOKIE_SAMESITE = 'None'\n")
    assert run_checks() == []
    assert run_checks(include_deployment=True) == [
        Warning(
            "SESSION_COOKIE_HTTPONLY is False: scripts on the page, injected ones too, can read "
            "the session cookie.",
            "Remove the setting (it defaults to True).",
            "security.W015",
        ),
        Warning(
            "SESSION_COOKIE_SAMESITE is 'none': browsers send the session cookie with requests "
            "that other sites make.",
            "Use 'lax' (the default) or 'strict'; 'none' is only for pages embedded in other "
            "sites, which then rely on the CSRF check alone.",
            "security.W033",
        ),
    ]


def test_dropped_security_headers_are_deploy_warnings(configure) -> None:
    configure(
        PRODUCTION + "SECURE_HEADERS = {'X-Content-Type-Options': '', 'X-Frame-Options': ''}\n"
    )
    assert run_checks(include_deployment=True) == [
        Warning(
            "SECURE_HEADERS does not send 'X-Content-Type-Options: nosniff': browsers may guess "
            "a response's type and run an upload as a script.",
            "Keep the default 'X-Content-Type-Options': 'nosniff' in SECURE_HEADERS.",
            "security.W006",
        ),
        Warning(
            "SECURE_HEADERS does not send X-Frame-Options: other sites can frame the pages "
            "(clickjacking).",
            "Keep the default 'X-Frame-Options': 'DENY' in SECURE_HEADERS ('SAMEORIGIN' if the "
            "site frames its own pages).",
            "security.W002",
        ),
    ]


def test_public_api_documentation_is_noted(configure) -> None:
    configure(PRODUCTION + "INSTALLED_APPS = ['framework.openapi']\nOPENAPI_YAML_URL = ''\n")
    assert run_checks(include_deployment=True) == [
        Info(
            "The API documentation is public (/openapi.json, /docs, /redoc): anyone can list "
            "every route and schema.",
            "Fine for a public API; otherwise set OPENAPI_ENABLED=false, or empty the "
            "OPENAPI_*_URL settings you do not want served.",
            "security.I036",
        )
    ]


def test_api_documentation_turned_off_is_not_noted(configure) -> None:
    configure(PRODUCTION + "INSTALLED_APPS = ['framework.openapi']\nOPENAPI_ENABLED = False\n")
    assert run_checks(include_deployment=True) == []


def test_check_deploy_exits_1_on_errors(configure) -> None:
    configure(PRODUCTION.replace("['example.com']", "[]"))
    result = CliRunner().invoke(cli, ["check", "--deploy"], prog_name="manage.py")
    assert result.exit_code == 1
    assert result.stderr == (
        "ERROR (security.E020) ALLOWED_HOSTS is empty: every request will be refused.\n"
        "Error: System check identified 1 issue(s), 1 at ERROR or above: security.E020.\n"
    )


def test_check_deploy_exits_0_on_warnings(configure) -> None:
    configure(PRODUCTION.replace("SECURE_SSL_REDIRECT = True", ""))
    result = CliRunner().invoke(cli, ["check", "--deploy"], prog_name="manage.py")
    assert result.exit_code == 0
    # The console expands the hint's tab.
    assert result.stderr == (
        "WARNING (security.W008) SECURE_SSL_REDIRECT is off: plain-HTTP requests are served.\n"
        "        HINT: Set SECURE_SSL_REDIRECT=true unless a proxy redirects to HTTPS for you.\n"
    )
    assert result.stdout == "System check identified 1 issue(s).\n"
