"""Settings errors name their true source: the module, .env, the environment or --settings."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

import framework
from framework.checks import run_checks
from framework.cli.app import cli
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured

KEY = 'SECRET_KEY = "culprits-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"\n'


def test_env_text_takes_the_type_of_the_default_not_of_a_wrong_module_value(
    make_settings_module,
) -> None:
    make_settings_module(KEY + 'DEBUG = "maybe"\n', env="DEBUG=false\n")
    assert settings.DEBUG is False  # .env wins, read as the bool DEBUG is


def test_a_wrong_type_in_the_module_is_blamed_on_the_module(make_settings_module) -> None:
    make_settings_module(KEY + 'DEBUG = "maybe"\n', env="")
    framework.setup()
    (message,) = [m for m in run_checks() if m.id == "conf.E001"]
    assert "got str 'maybe' (from module)" in message.msg


def test_cast_url_reads_a_url_and_refuses_anything_else(make_settings_module, monkeypatch) -> None:
    make_settings_module(KEY)
    monkeypatch.setenv("API_URL", " https://api.example.com/v1 ")
    assert settings.get("API_URL", cast="url") == "https://api.example.com/v1"
    monkeypatch.setenv("API_URL", "api.example.com")
    settings.reset()
    with pytest.raises(ImproperlyConfigured) as caught:
        settings.get("API_URL", cast="url")
    assert "from env cannot be read as url: 'api.example.com' is not a URL" in str(caught.value)


def test_an_unknown_cast_name_is_refused_at_the_call(make_settings_module) -> None:
    make_settings_module(KEY)
    with pytest.raises(ImproperlyConfigured) as caught:
        settings.get("DEBUG", cast="uri")
    assert str(caught.value) == (
        "cast='uri' for setting DEBUG is not a known cast; use a type, a callable or one of: "
        "bool, dict, float, int, list, path, str, url."
    )


def test_settings_option_is_named_as_the_source(monkeypatch) -> None:
    # The module (framework.conf.settings, as an attribute, is the lazy settings object).
    monkeypatch.setattr(sys.modules["framework.conf.settings"], "NAME_ORIGIN", {})
    # Set, so that the value --settings writes is undone after the test.
    monkeypatch.setenv("FRAMEWORK_SETTINGS_MODULE", "placeholder.settings")
    settings.reset()
    result = CliRunner().invoke(cli, ["--settings", "nosuch.settings", "check"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: Settings module 'nosuch.settings' cannot be found (--settings nosuch.settings)."
    )
