"""The shell pre-imports the project and accepts top-level await."""

from __future__ import annotations

import asyncio
import io

from click.testing import CliRunner

from framework.cli.app import cli
from framework.cli.commands.shell import AsyncConsole


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(
        cli, list(args), input=input, prog_name="manage.py", catch_exceptions=False
    )


def test_command_with_await_and_preloaded_names(use_settings) -> None:
    use_settings("sites.basic")
    result = run(
        "shell",
        "-c",
        "x = await asyncio.sleep(0, result=41)\n"
        "print(x + 1, Widget.__name__, settings.DEBUG, len(apps.get_app_configs()))",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "42 Widget False 3\n"


def test_piped_stdin_is_run_as_a_script(use_settings) -> None:
    use_settings("sites.basic")
    result = run("shell", input="import sys\nprint(await asyncio.sleep(0, result='piped'))\n")
    assert result.stdout == "piped\n"


def test_interactive_console_awaits_each_statement(monkeypatch) -> None:
    loop = asyncio.new_event_loop()
    console = AsyncConsole({"asyncio": asyncio}, loop)
    output = io.StringIO()
    monkeypatch.setattr("sys.stdout", output)
    try:
        console.push("value = await asyncio.sleep(0, result=7)")
        console.push("print(value * 6)")
    finally:
        loop.close()
    assert output.getvalue() == "42\n"
