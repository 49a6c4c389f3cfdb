"""call_command runs commands in-process, turning options into arguments."""

from __future__ import annotations

import pytest
from click import UsageError

from framework.cli import call_command
from framework.exceptions import CommandError


def test_returns_the_result_of_an_async_command(use_settings, capsys) -> None:
    use_settings("sites.basic")
    assert call_command("alpha-async", times=2) == "counted 2"
    assert capsys.readouterr().out == "tick 0\ntick 1\n"


def test_positional_arguments(use_settings, capsys) -> None:
    use_settings("sites.basic")
    call_command("alpha-hello", "Grace")
    assert capsys.readouterr().out == "Hello, Grace! ready=True\n"


def test_errors_propagate_as_exceptions(use_settings) -> None:
    use_settings("sites.basic")
    with pytest.raises(CommandError) as info:
        call_command("alpha-fail")
    assert info.value.returncode == 3


def test_unknown_command(use_settings) -> None:
    use_settings("sites.basic")
    with pytest.raises(CommandError, match="Unknown command 'nope'"):
        call_command("nope")


def test_unknown_option(use_settings) -> None:
    use_settings("sites.basic")
    with pytest.raises(
        TypeError,
        match=r"^Unknown option 'color' for command 'check'; valid: deploy, fail_level, tags\.$",
    ):
        call_command("check", color=True)


def test_flag_multiple_and_choice_options(use_settings, capsys) -> None:
    use_settings("sites.basic")
    call_command("check", deploy=True, tags=["settings", "apps"], fail_level="CRITICAL")
    assert "System check identified no issues." in capsys.readouterr().out


def test_bad_option_value_is_a_usage_error(use_settings) -> None:
    use_settings("sites.basic")
    with pytest.raises(UsageError):
        call_command("check", fail_level="LOUD")
