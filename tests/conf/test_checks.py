"""System checks on settings: typos, types, SECRET_KEY strength and deployment advice."""

from __future__ import annotations

import framework
from framework.checks import Error, Warning, run_checks
from framework.conf import settings

STRONG = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789"


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_misspelled_setting_is_a_warning_with_a_suggestion(use_settings) -> None:
    use_settings("sites.typo")
    messages = run_checks(tags=["settings"])
    assert messages == [
        Warning(
            "Unknown setting 'DEBG' in sites.typo.", hint="Did you mean 'DEBUG'?", id="conf.W001"
        )
    ]


def test_custom_settings_far_from_known_names_are_fine(make_settings_module) -> None:
    make_settings_module(f"SECRET_KEY = {STRONG!r}\nSTRIPE_PUBLIC = 'pk'\n")
    assert run_checks(tags=["settings"]) == []


def test_wrong_type_is_an_error(make_settings_module) -> None:
    make_settings_module(f"SECRET_KEY = {STRONG!r}\nDEBUG = 'yes'\nALLOWED_HOSTS = 'a.com'\n")
    messages = run_checks(tags=["settings"])
    assert (
        Error("Setting DEBUG must be a bool, got str 'yes' (from module).", id="conf.E001")
        in messages
    )
    assert (
        Error(
            "Setting ALLOWED_HOSTS must be a list, got str 'a.com' (from module).", id="conf.E001"
        )
        in messages
    )


def test_tuple_where_list_expected_is_fine(make_settings_module) -> None:
    make_settings_module(f"SECRET_KEY = {STRONG!r}\nALLOWED_HOSTS = ('a.com',)\n")
    assert run_checks(tags=["settings"]) == []


def test_weak_secret_key_with_debug_off_is_an_error(use_settings) -> None:
    use_settings("sites.weak")
    [message] = run_checks(tags=["security"])
    assert message.id == "security.E001"
    assert message.msg == "SECRET_KEY has fewer than 32 characters and DEBUG is off."


def test_missing_secret_key_with_debug_on_is_a_warning(make_settings_module) -> None:
    make_settings_module("DEBUG = True\n")
    [message] = run_checks(tags=["security"])
    assert message == Warning(
        "SECRET_KEY is not set; acceptable only while DEBUG is on.",
        hint=message.hint,
        id="security.W001",
    )


def test_placeholder_and_repetitive_keys_are_weak(make_settings_module) -> None:
    from framework.conf.security import secret_key_problem

    assert secret_key_problem("changeme" + "x" * 40) == "SECRET_KEY looks like a placeholder"
    assert secret_key_problem("ab" * 30) == "SECRET_KEY has fewer than 5 distinct characters"
    assert secret_key_problem(STRONG) is None


def test_deploy_checks_only_with_deploy(make_settings_module) -> None:
    make_settings_module(f"SECRET_KEY = {STRONG!r}\nDEBUG = False\n")
    framework.setup()
    assert run_checks() == []
    assert ids(run_checks(include_deployment=True)) == ["security.W004", "security.W008"]


def test_deploy_checks_flag_debug_hosts_and_cookies(make_settings_module) -> None:
    make_settings_module(
        "SECRET_KEY = 'dev'\nDEBUG = True\nALLOWED_HOSTS = ['*']\nSESSION_COOKIE_SECURE = False\n"
        "SECURE_HSTS_SECONDS = 3600\nSECURE_SSL_REDIRECT = True\n"
    )
    assert ids(run_checks(tags=["security"], include_deployment=True)) == [
        "security.W001",
        "security.W018",
        "security.W009",
        "security.W020",
        "security.W012",
    ]


def test_empty_allowed_hosts_is_a_deploy_error(make_settings_module) -> None:
    make_settings_module(f"SECRET_KEY = {STRONG!r}\nALLOWED_HOSTS = []\n")
    framework.setup()
    errors = [m for m in run_checks(include_deployment=True) if m.is_serious()]
    assert ids(errors) == ["security.E020"]
    assert settings.ALLOWED_HOSTS == []
