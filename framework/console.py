"""The one console every command writes through, so tests capture all output in one place.

It sits below every layer, so any app's ``commands.py`` (contrib's included) can use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["get_console", "print_error", "print_warning"]

_consoles: dict[bool, Console] = {}

#: Width of output written to a pipe or a file, where no terminal sets one: wide enough that
#: table cells (route names, handler paths) stay on one line for grep and scripts.
PIPE_WIDTH = 240


def get_console(stderr: bool = False) -> Console:
    """Return the shared rich console (stdout, or stderr with *stderr*); rich loads on first use.

    The console resolves ``sys.stdout`` at each write, so click's ``CliRunner`` and pytest's
    ``capsys`` capture its output.
    """
    if stderr not in _consoles:
        from rich.console import Console, ConsoleDimensions

        class _Console(Console):
            @property
            def size(self) -> ConsoleDimensions:
                size = super().size
                piped = not self.is_terminal and "COLUMNS" not in self._environ
                return ConsoleDimensions(PIPE_WIDTH, size.height) if piped else size

            @size.setter
            def size(self, new_size: tuple[int, int]) -> None:
                self.width, self.height = new_size  # what rich's own size setter sets

        _consoles[stderr] = _Console(stderr=stderr, highlight=False, soft_wrap=True)
    return _consoles[stderr]


def print_error(message: str) -> None:
    """Print *message* as one red line on stderr (no rich import: errors must be cheap)."""
    first, _, rest = str(message).partition("\n")
    click.secho(f"Error: {first}", fg="red", err=True)
    if rest:
        click.echo(rest, err=True)


def print_warning(message: str) -> None:
    """Print *message* as a yellow line on stderr."""
    click.secho(f"Warning: {message}", fg="yellow", err=True)
