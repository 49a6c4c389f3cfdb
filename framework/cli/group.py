"""The one click group behind both ``framework`` and every project's ``manage.py``."""

from __future__ import annotations

import difflib
import functools
import inspect
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, Protocol, cast

import click

from framework.cli.builtins import BUILTIN_COMMANDS
from framework.console import print_error
from framework.exceptions import FrameworkError

__all__ = ["ManagementGroup", "in_project", "project_command"]


def in_project() -> bool:
    """Return whether project commands apply: a settings module is named or configured."""
    from framework.conf import ENVIRONMENT_VARIABLE, settings

    return bool(os.environ.get(ENVIRONMENT_VARIABLE)) or settings.configured


_SKIP_CHECKS = "skip_checks"


class _ProjectCallback(Protocol):
    """A callback ``project_command`` wrapped: marked so that it is never wrapped twice."""

    _framework_wrapped: bool

    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...


def project_command(command: click.Command, *, system_checks: bool = False) -> click.Command:
    """Make *command* (and its subcommands) run with the project set up.

    Before the callback runs, settings load and the app registry is populated, then, with
    *system_checks*, the system checks run (``--skip-checks`` added to skip them); an
    ``async def`` callback runs in a fresh event loop whose resources are closed after.
    """
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            project_command(sub, system_checks=system_checks)
    callback = command.callback
    if callback is None or getattr(callback, "_framework_wrapped", False):
        return command
    if system_checks:
        command.params.append(
            click.Option(
                ["--skip-checks"], is_flag=True, help="Do not run the system checks first."
            )
        )

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        from framework.apps.bootstrap import setup

        setup()
        if system_checks and not kwargs.pop(_SKIP_CHECKS, False):
            from framework.cli.system_checks import run_system_checks

            run_system_checks(quiet_ok=True)
        from framework.cli.runtime import project_app_scope, run_async

        with project_app_scope():
            if inspect.iscoroutinefunction(inspect.unwrap(callback)):
                return run_async(callback, *args, **kwargs)
            return callback(*args, **kwargs)

    # The function becomes a _ProjectCallback by the assignment below.
    cast(_ProjectCallback, run)._framework_wrapped = True
    command.callback = run
    return command


class ManagementGroup(click.Group):
    """Click group that loads built-ins lazily and adds app and entry-point commands.

    Listing commands never fails: when the project cannot load (bad settings, a broken app),
    the built-ins are still listed and the error shows as one line under them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._discovered: dict[str, Any] | None = None
        self.load_error: FrameworkError | None = None

    # -- sources --------------------------------------------------------------------------

    def _available_builtins(self) -> list[str]:
        inside = in_project()
        return [
            name
            for name, spec in BUILTIN_COMMANDS.items()
            if inside or not spec.needs_project or spec.standalone
        ]

    def _extra_commands(self) -> dict[str, Any]:
        if self._discovered is None:
            from framework.cli.discovery import discover_commands

            self._discovered = {}
            try:
                self._discovered = discover_commands(set(BUILTIN_COMMANDS), with_apps=in_project())
            except FrameworkError as exc:
                self.load_error = exc
        return self._discovered

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self._available_builtins(), *self.commands, *self._extra_commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        spec = BUILTIN_COMMANDS.get(cmd_name)
        if spec is not None:
            outside = spec.needs_project and not in_project()
            if outside and not spec.standalone:
                raise click.UsageError(
                    f"{cmd_name!r} works inside a project: run 'python manage.py {cmd_name}' "
                    "from the project directory (or set FRAMEWORK_SETTINGS_MODULE)."
                )
            from framework.module_loading import import_string

            command: click.Command = import_string(spec.target)
            if not spec.needs_project or outside:
                return command
            return project_command(command, system_checks=spec.requires_system_checks)
        extra = self._extra_commands().get(cmd_name)
        if extra is not None:
            return project_command(extra.command)
        if self.load_error is not None:
            raise self.load_error
        return None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = click.utils.make_str(args[0])
        command = self.get_command(ctx, name)
        if command is None and not ctx.resilient_parsing:
            message = f"No such command {name!r}."
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            if close:
                message += f" Did you mean {close[0]!r}?"
            raise click.UsageError(message, ctx)
        return name, command, args[1:]

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        self._extra_commands()
        if self.load_error is not None:
            formatter.write_paragraph()
            # Written raw, not wrapped: the error stays one line.
            line = f"Error: {self.load_error} (project commands unavailable)"
            formatter.write(click.style(line, fg="red") + "\n")

    # -- running --------------------------------------------------------------------------

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the CLI; user errors become one red line on stderr and exit status 1.

        ``--traceback`` anywhere on the command line shows the full trace instead.
        """
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        argv = list(sys.argv[1:] if args is None else args)
        # Accepted anywhere on the line (like Django's), so strip it before click parses.
        show_traceback = "--traceback" in argv
        argv = [arg for arg in argv if arg != "--traceback"]
        if prog_name is None:
            prog_name = os.path.basename(sys.argv[0]) or "framework"
        self._main_shell_completion(extra, prog_name, complete_var)
        code = _run(lambda: self._invoke_args(argv, prog_name, extra), show_traceback)
        sys.exit(code)

    def _invoke_args(self, argv: list[str], prog_name: str, extra: dict[str, Any]) -> None:
        with self.make_context(prog_name, argv, **extra) as ctx:
            self.invoke(ctx)


def _run(function: Callable[[], Any], show_traceback: bool) -> int:
    """Call *function*, turning every user error into one line and an exit status."""
    try:
        function()
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt, EOFError):
        click.echo(err=True)
        print_error("Operation cancelled.")
        return 1
    except click.ClickException as exc:
        if show_traceback:
            traceback.print_exc()
        print_error(exc.format_message())
        return 1 if isinstance(exc, click.UsageError) else exc.exit_code
    except FrameworkError as exc:
        if show_traceback:
            traceback.print_exc()
        print_error(str(exc))
        return getattr(exc, "returncode", 1)
    except Exception as exc:
        from framework.cli.database_errors import unreachable_database

        message = unreachable_database(exc)
        if message is None:
            raise
        if show_traceback:
            traceback.print_exc()
        print_error(message)
        return 1
    return 0
