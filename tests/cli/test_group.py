"""The root command group: listing, lazy built-ins, app and entry-point commands, errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from framework.cli.app import cli


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str):
    return runner.invoke(cli, list(args), prog_name="manage.py", catch_exceptions=False)


def test_outside_a_project_only_global_commands_are_listed(runner) -> None:
    result = invoke(runner, "--help")
    assert result.exit_code == 0
    listed = [
        line.split()[0] for line in result.stdout.split("Commands:")[1].splitlines() if line.strip()
    ]
    assert listed == ["runserver", "startapp", "startproject", "version"]


def test_project_command_outside_a_project_is_one_line(runner) -> None:
    result = invoke(runner, "serve")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 'serve' works inside a project: run 'python manage.py serve' from the "
        "project directory (or set FRAMEWORK_SETTINGS_MODULE).\n"
    )


def test_runserver_outside_a_project_names_app(runner) -> None:
    result = invoke(runner, "runserver")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: runserver serves a project: run 'python manage.py runserver' from the project "
        "directory, or serve a single-file app with 'framework runserver --app module:app'.\n"
    )


def test_project_lists_builtins_and_app_commands(runner, use_settings) -> None:
    use_settings("sites.basic")
    result = invoke(runner, "--help")
    assert result.exit_code == 0
    for name in [
        "check",
        "runserver",
        "serve",
        "settings",
        "shell",
        "startapp",
        "alpha-hello",
        "alpha-async",
        "alpha-tools",
    ]:
        assert f"  {name} " in result.stdout, name
    assert "  ping " not in result.stdout  # a subcommand, not a top-level command


def test_unknown_command_suggests(runner, use_settings) -> None:
    use_settings("sites.basic")
    result = invoke(runner, "runsever")
    assert result.exit_code == 1
    assert result.stderr == "Error: No such command 'runsever'. Did you mean 'runserver'?\n"


def test_sync_app_command_runs_with_apps_ready(runner, use_settings) -> None:
    use_settings("sites.basic")
    result = invoke(runner, "alpha-hello", "Ada")
    assert result.exit_code == 0
    assert result.stdout == "Hello, Ada! ready=True\n"


def test_async_app_command(runner, use_settings) -> None:
    use_settings("sites.basic")
    result = invoke(runner, "alpha-async", "--times", "2")
    assert result.exit_code == 0
    assert result.stdout == "tick 0\ntick 1\n"


def test_group_subcommand(runner, use_settings) -> None:
    use_settings("sites.basic")
    result = invoke(runner, "alpha-tools", "ping")
    assert (result.exit_code, result.stdout) == (0, "pong\n")


def test_command_error_is_one_red_line_with_its_exit_code(runner, use_settings) -> None:
    use_settings("sites.basic")
    result = invoke(runner, "alpha-fail")
    assert result.exit_code == 3
    assert result.stderr == "Error: alpha could not do it: the widget is 'blue'.\n"


def test_traceback_flag_shows_the_trace(runner, use_settings) -> None:
    use_settings("sites.basic")
    result = invoke(runner, "alpha-fail", "--traceback")
    assert result.exit_code == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.endswith("Error: alpha could not do it: the widget is 'blue'.\n")


def test_broken_app_keeps_help_working(runner, use_settings) -> None:
    use_settings("sites.missing")
    result = invoke(runner, "--help")
    assert result.exit_code == 0
    assert "  check " in result.stdout
    assert (
        "Error: App 'blgo' in INSTALLED_APPS cannot be imported: no module named 'blgo'. "
        "(project commands unavailable)" in result.stdout
    )


def test_broken_app_fails_project_commands_with_one_line(runner, use_settings) -> None:
    use_settings("sites.broken")
    result = invoke(runner, "check")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: App 'broken_models' failed to import 'broken_models.models': "
        "ModuleNotFoundError: No module named 'module_that_does_not_exist'\n"
    )


def test_bad_settings_module_keeps_help_working(runner, use_settings) -> None:
    use_settings("sites.syntax_error")
    result = invoke(runner, "--help")
    assert result.exit_code == 0
    assert (
        "Error: Settings module 'sites.syntax_error' failed to import: SyntaxError" in result.stdout
    )
    result = invoke(runner, "check")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Settings module 'sites.syntax_error' failed to import")
    assert len(result.stderr.splitlines()) == 1


def test_collision_between_apps_names_both(runner, use_settings) -> None:
    use_settings("sites.collide")
    result = invoke(runner, "alpha-hello")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Command 'alpha-hello' is defined twice: by app 'alpha' and by app 'collide'.\n"
    )


def test_collision_with_a_builtin_names_both(runner, use_settings) -> None:
    use_settings("sites.clash")
    result = invoke(runner, "--help")
    assert (
        "Command 'check' is defined twice: by the built-in commands and by app 'builtin_clash'."
        in result.stdout
    )


def test_settings_option_selects_the_module(runner, fixture_path) -> None:
    result = invoke(runner, "--settings", "sites.basic", "alpha-hello")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Hello, world!")


def test_version_option_and_command(runner) -> None:
    from framework import get_version

    assert invoke(runner, "--version").stdout == f"{get_version()}\n"
    assert invoke(runner, "version").stdout == f"{get_version()}\n"


def test_usage_errors_exit_1_with_one_line(runner) -> None:
    result = invoke(runner, "startproject")
    assert result.exit_code == 1
    assert result.stderr == "Error: Missing argument 'NAME'.\n"


def test_eof_at_a_prompt_is_operation_cancelled(runner, use_settings) -> None:
    use_settings("sites.basic")
    result = runner.invoke(cli, ["alpha-ask"], input="", prog_name="manage.py")
    assert result.exit_code == 1
    assert result.stderr.endswith("Error: Operation cancelled.\n")
    assert "Hello" not in result.stdout


def _install_entry_point(tmp_path: Path, monkeypatch, name: str, target: str) -> None:
    dist = tmp_path / "fakecommands-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: fakecommands\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[framework.commands]\n{name} = {target}\n")
    (tmp_path / "fakecommands.py").write_text(
        "import click\n\n\n@click.command()\ndef hello():\n"
        "    '''Say hi.'''\n    click.echo('hi from a plugin')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))


def test_entry_point_commands(runner, tmp_path, monkeypatch) -> None:
    _install_entry_point(tmp_path, monkeypatch, "plugin-hello", "fakecommands:hello")
    assert "  plugin-hello " in invoke(runner, "--help").stdout
    result = invoke(runner, "plugin-hello")
    assert (result.exit_code, result.stdout) == (0, "hi from a plugin\n")


def test_broken_entry_point_is_named(runner, tmp_path, monkeypatch) -> None:
    _install_entry_point(tmp_path, monkeypatch, "plugin-hello", "fakecommands:missing")
    result = invoke(runner, "plugin-hello")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: The entry point 'plugin-hello' (fakecommands:missing) failed to load: "
        "AttributeError: module 'fakecommands' has no attribute 'missing'\n"
    )


def test_entry_point_scan_finds_the_group_or_defers_to_importlib_metadata(
    tmp_path, monkeypatch
) -> None:
    from framework.cli.discovery import _may_declare

    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(tmp_path)])
    assert not _may_declare("[framework.commands]")
    egg = tmp_path / "old-1.0.egg-info"
    egg.mkdir()
    (egg / "entry_points.txt").write_text("[console_scripts]\nold = old:main\n")
    assert not _may_declare("[framework.commands]")
    (egg / "entry_points.txt").write_text("[framework.commands]\nold = old:main\n")
    assert _may_declare("[framework.commands]")
    archive = tmp_path / "bundle.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\x00" * 18)
    monkeypatch.setattr(sys, "path", [str(archive)])
    assert _may_declare("[framework.commands]")  # unreadable here: importlib.metadata decides


def test_python_dash_m_framework_is_the_framework_command(tmp_path: Path) -> None:
    import subprocess

    result = subprocess.run(
        [sys.executable, "-m", "framework", "--version"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    from framework.version import get_version

    assert result.stdout == f"{get_version()}\n"
