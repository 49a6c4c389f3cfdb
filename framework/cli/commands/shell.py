"""``manage.py shell``: IPython when installed, else a REPL with top-level ``await``."""

from __future__ import annotations

import ast
import code
import inspect
import sys
import types
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    import asyncio

__all__ = ["AsyncConsole", "shell", "shell_namespace"]


def shell_namespace() -> dict[str, Any]:
    """Return what the shell pre-imports: settings, apps, and every app's models by name."""
    import asyncio

    from framework.apps import apps
    from framework.conf import settings

    namespace: dict[str, Any] = {"settings": settings, "apps": apps, "asyncio": asyncio}
    for model in apps.get_models():
        namespace.setdefault(model.__name__, model)
    return namespace


class AsyncConsole(code.InteractiveConsole):
    """An interactive console where ``await`` works at the top level."""

    def __init__(self, namespace: dict[str, Any], loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(namespace)
        self.compile.compiler.flags |= ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        self.loop = loop

    def runcode(self, code_object: types.CodeType) -> None:
        try:
            self.run(code_object)
        except SystemExit:
            raise
        except BaseException:
            self.showtraceback()

    def run(self, code_object: types.CodeType) -> Any:
        """Evaluate *code_object*, awaiting it on the console's loop when it awaits."""
        result = types.FunctionType(code_object, self.locals)()
        if inspect.iscoroutine(result):
            return self.loop.run_until_complete(result)
        return result


def _run_source(console: AsyncConsole, source: str) -> None:
    code_object = compile(source, "<shell>", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    console.run(code_object)


@click.command()
@click.option("-c", "--command", help="Run this code (top-level await allowed) and exit.")
@click.option(
    "-i",
    "--interface",
    type=click.Choice(["ipython", "python"]),
    help="Which shell to use (default: IPython when installed).",
)
def shell(command: str | None, interface: str | None) -> None:
    """Open a Python shell with settings, apps and models loaded."""
    import asyncio

    from framework.runtime import run_cleanups

    namespace = shell_namespace()
    if command is None and sys.stdin.isatty() and interface != "python":
        try:
            import IPython
        except ImportError:
            if interface == "ipython":
                raise click.ClickException(
                    "IPython is not installed: pip install ipython"
                ) from None
        else:
            IPython.start_ipython(argv=[], user_ns=namespace)
            return
    loop = asyncio.new_event_loop()
    console = AsyncConsole(namespace, loop)
    try:
        if command is not None:
            _run_source(console, command)
        elif not sys.stdin.isatty():
            _run_source(console, sys.stdin.read())
        else:
            names = ", ".join(sorted(k for k in namespace if k not in {"asyncio"}))
            console.interact(banner=f"framework shell (await allowed). Loaded: {names}", exitmsg="")
    finally:
        loop.run_until_complete(run_cleanups())
        loop.close()
