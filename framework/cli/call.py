"""``call_command``: run a management command in-process, the way tests and scripts do."""

from __future__ import annotations

from typing import Any

import click

from framework.exceptions import CommandError

__all__ = ["call_command"]


def call_command(name: str, *args: Any, **options: Any) -> Any:
    """Run command *name* with CLI-style *args* and keyword *options*; return its result.

    ``call_command("startapp", "blog")`` is ``manage.py startapp blog``;
    ``call_command("check", deploy=True)`` adds ``--deploy``. Errors propagate as exceptions
    (``CommandError``, ``click.UsageError``) instead of exiting the process.
    """
    from framework.cli.app import cli

    root = click.Context(cli, info_name="manage.py")
    command = cli.get_command(root, name)
    if command is None:
        raise CommandError(f"Unknown command {name!r}.")
    argv = [str(arg) for arg in args] + _options_to_args(command, name, args, options)
    try:
        with command.make_context(name, argv, parent=root) as ctx:
            return command.invoke(ctx)
    except click.exceptions.Exit as exc:
        if exc.exit_code:
            raise CommandError(
                f"Command {name!r} exited with status {exc.exit_code}.", exc.exit_code
            ) from None
        return None


def _options_to_args(
    command: click.Command, name: str, args: tuple[Any, ...], options: dict[str, Any]
) -> list[str]:
    params = {param.name: param for param in command.params}
    argv: list[str] = []
    for key, value in options.items():
        param = params.get(key)
        if not isinstance(param, click.Option):
            valid = ", ".join(
                sorted(p for p in params if p and isinstance(params[p], click.Option))
            )
            raise TypeError(f"Unknown option {key!r} for command {name!r}; valid: {valid}.")
        flag = max(param.opts, key=len)
        if param.is_flag and not param.count:
            if value:
                argv.append(flag)
            elif param.secondary_opts:
                argv.append(max(param.secondary_opts, key=len))
        elif param.count:
            argv.extend([flag] * int(value))
        elif param.multiple:
            for item in value:
                argv.extend([flag, str(item)])
        elif value is not None:
            argv.extend([flag, str(value)])
    return argv
