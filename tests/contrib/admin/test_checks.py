"""The admin's system checks, and ``check --deploy`` on a project that serves it."""

from __future__ import annotations

import pytest

from framework.checks import run_checks

pytestmark = pytest.mark.usefixtures("adminproject")


def ids(messages: list) -> list[str]:
    return [message.id for message in messages]


def admin_messages(deploy: bool = False) -> list:
    return [m for m in run_checks(include_deployment=deploy) if m.id.startswith("admin.")]


def test_the_default_url_is_a_deploy_warning_with_debug_off(settings) -> None:
    assert admin_messages() == []
    [warning] = admin_messages(deploy=True)
    assert warning.id == "admin.W001"
    assert warning.msg.startswith("The admin is served at /admin/")
    assert "ADMIN_URL" in warning.hint
    settings.ADMIN_URL = "/backstage-7f3a/"
    assert admin_messages(deploy=True) == []
    settings.ADMIN_URL = "/admin/"
    settings.DEBUG = True
    assert admin_messages(deploy=True) == []


def test_insecure_session_cookies_are_named_by_the_deploy_checks(settings) -> None:
    settings.SESSION_COOKIE_SECURE = False
    assert "security.W012" in ids(run_checks(include_deployment=True))


@pytest.mark.parametrize("url", ["admin/", "/", "", "/ad min/", "/{x}/"])
def test_a_bad_admin_url_is_an_error(settings, url: str) -> None:
    settings.ADMIN_URL = url
    [error] = admin_messages()
    assert (error.id, error.msg) == (
        "admin.E002",
        f"ADMIN_URL must be a path below the root, like '/backstage/'; got {url!r}.",
    )


def test_the_admin_needs_sessions_and_csrf_protection(settings) -> None:
    settings.MIDDLEWARE = [
        entry for entry in settings.MIDDLEWARE if not entry.endswith("CSRFMiddleware")
    ]
    [error] = admin_messages()
    assert error.id == "admin.E001"
    assert error.msg.startswith("The admin needs CSRFMiddleware in MIDDLEWARE")


def test_check_deploy_from_the_command_line(settings, capsys) -> None:
    from framework.cli import call_command

    call_command("check", "--deploy")
    output = capsys.readouterr()
    assert "admin.W001" in output.out + output.err
