"""manage.py settings: effective values, sources, masking, JSON."""

from __future__ import annotations

import json

from click.testing import CliRunner

from framework.cli.app import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="manage.py", catch_exceptions=False)


MODULE = (
    "SECRET_KEY = 'from-module-but-long-enough-0123456789abcdef'\nDEBUG = False\n"
    "DATABASES = {'default': 'postgresql+asyncpg://app:hunter2@db/site'}\n"
)


def test_json_shows_values_sources_and_masks_secrets(make_settings_module, monkeypatch) -> None:
    make_settings_module(MODULE, env="DEBUG=on\n")
    monkeypatch.setenv("ALLOWED_HOSTS", "a.com,b.com")
    result = run("settings", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["DEBUG"] == {"value": True, "source": ".env"}
    assert data["ALLOWED_HOSTS"] == {"value": ["a.com", "b.com"], "source": "env"}
    assert data["SECRET_KEY"] == {"value": "********", "source": "module"}
    assert data["DATABASES"]["value"] == {"default": "postgresql+asyncpg://app:********@db/site"}
    assert data["MAX_BODY_SIZE"]["source"] == "default"
    assert "hunter2" not in result.stdout


def test_selected_keys_and_changed_only(make_settings_module) -> None:
    make_settings_module(MODULE)
    data = json.loads(run("settings", "--json", "debug", "MAX_BODY_SIZE").stdout)
    assert sorted(data) == ["DEBUG", "MAX_BODY_SIZE"]
    changed = json.loads(run("settings", "--json", "--changed").stdout)
    assert {item["source"] for item in changed.values()} == {"module"}


def test_unknown_key_suggests(make_settings_module) -> None:
    make_settings_module(MODULE)
    result = run("settings", "DEBG")
    assert result.exit_code == 1
    assert result.stderr == "Error: Setting 'DEBG' is not defined. Did you mean 'DEBUG'?\n"


def test_table_output(make_settings_module) -> None:
    module = make_settings_module(MODULE)
    result = run("settings")
    assert result.exit_code == 0
    assert f"Settings ({module})" in result.stdout
    assert "hunter2" not in result.stdout and "from-module" not in result.stdout
    assert "'********'" in result.stdout
