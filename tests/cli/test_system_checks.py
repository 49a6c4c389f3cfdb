"""System checks before commands: ``requires_system_checks`` entries, ``--skip-checks``, tags."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from framework.checks import Error
from framework.checks.registry import registry
from framework.cli.app import cli
from framework.cli.builtins import BUILTIN_COMMANDS

COMMANDS = Path(__file__).resolve().parents[2] / "framework" / "cli" / "commands"


@pytest.fixture
def failing_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register a check that reports an error, for this test only."""
    registry.tags_available()  # load the built-in checks into the list kept after the test
    monkeypatch.setattr(registry, "_checks", list(registry._checks))

    @registry.register("testing")
    def broken(app_configs=None):
        return [Error("the widget is broken", id="testing.E001")]


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="manage.py", catch_exceptions=False)


def test_the_servers_and_db_upgrade_require_system_checks() -> None:
    checked = {name for name, spec in BUILTIN_COMMANDS.items() if spec.requires_system_checks}
    assert {"db-upgrade", "runserver", "serve"} <= checked
    assert "check" not in checked


def test_a_checked_command_stops_on_a_check_error(use_settings, failing_check) -> None:
    use_settings("sites.basic")
    result = invoke("db-upgrade")
    assert result.exit_code == 1
    assert "ERROR (testing.E001) the widget is broken" in result.stderr
    assert result.stderr.endswith(
        "Error: System check identified 1 issue(s), 1 at ERROR or above: testing.E001.\n"
    )


def test_skip_checks_runs_the_command_anyway(use_settings, failing_check) -> None:
    use_settings("sites.basic")
    result = invoke("db-upgrade", "--skip-checks")
    assert "testing.E001" not in result.stderr
    assert "System check" not in result.stderr


def test_unknown_tag_is_one_line_naming_the_known_ones(use_settings) -> None:
    use_settings("sites.basic")
    result = invoke("check", "--tag", "securty")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: There is no system check with the 'securty' tag. Did you mean 'security'? "
        "Known tags: "
    )
    assert result.stderr.count("\n") == 1


def test_command_modules_import_no_other_command_module() -> None:
    """Command modules are click wrappers; what two share lives in a named module."""
    for path in sorted(COMMANDS.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("framework.cli.commands"), (
                    path.name,
                    node.module,
                )
