"""Deployment checks on MIDDLEWARE: the Host check and the security headers stay in."""

from __future__ import annotations

import framework
from framework.checks import Warning, run_checks
from framework.web.middleware import TrustedHostMiddleware

STRONG = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789"
PRODUCTION = (
    f"SECRET_KEY = {STRONG!r}\nDEBUG = False\nALLOWED_HOSTS = ['example.com']\n"
    "SECURE_HSTS_SECONDS = 31536000\nSECURE_SSL_REDIRECT = True\n"
)
HOSTS = Warning(
    "TrustedHostMiddleware is not in MIDDLEWARE: Host headers are not checked against "
    "ALLOWED_HOSTS.",
    "Put 'framework.web.middleware.TrustedHostMiddleware' first in MIDDLEWARE.",
    "security.W034",
)
HEADERS = Warning(
    "SecurityHeadersMiddleware is not in MIDDLEWARE: responses go out without SECURE_HEADERS "
    "(nosniff, X-Frame-Options, Referrer-Policy) and HSTS.",
    "Add 'framework.web.middleware.SecurityHeadersMiddleware' to MIDDLEWARE.",
    "security.W035",
)


class StrictHosts(TrustedHostMiddleware):
    """A project's own host check: a subclass counts as the built-in one."""


def test_middleware_without_host_check_and_headers_gets_deploy_warnings(
    make_settings_module,
) -> None:
    make_settings_module(PRODUCTION + "MIDDLEWARE = ['framework.web.middleware.GZipMiddleware']\n")
    framework.setup()
    assert run_checks() == []
    assert run_checks(include_deployment=True) == [HOSTS, HEADERS]


def test_entries_are_recognised_in_every_form(make_settings_module) -> None:
    make_settings_module(
        PRODUCTION
        + "from starlette.middleware import Middleware\n"
        + "from framework.web.middleware import SecurityHeadersMiddleware\n"
        + "MIDDLEWARE = [\n"
        + "    ('tests.web.test_checks.StrictHosts', {'allowed_hosts': ['example.com']}),\n"
        + "    Middleware(SecurityHeadersMiddleware),\n"
        + "    'no.such.Middleware',\n"
        + "]\n"
    )
    framework.setup()
    # The host check and the headers are recognised; the entry that does not import is
    # an error of its own (web.E001), not a reason for the deployment warnings.
    assert [message.id for message in run_checks(include_deployment=True)] == ["web.E001"]
