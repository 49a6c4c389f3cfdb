"""Read a project's ``.env`` file: ``KEY=value`` lines, comments and quotes, no interpolation."""

from __future__ import annotations

from pathlib import Path

__all__ = ["read_dotenv", "read_dotenv_lines"]


def read_dotenv(path: Path) -> dict[str, str]:
    """Return the variables of the ``.env`` file at *path*; a missing file is empty.

    Interpolation (``${OTHER}``) is off so a secret containing ``$`` is read verbatim.
    """
    return read_dotenv_lines(path)[0]


def read_dotenv_lines(path: Path) -> tuple[dict[str, str], dict[str, int]]:
    """Return the variables of the ``.env`` file at *path* and the line each was set on.

    The line (1-based; the last assignment of a key wins) lets messages say where a value came
    from, e.g. "DEBUG=true from .env line 2".
    """
    if not path.is_file():
        return {}, {}
    from dotenv.parser import parse_stream  # deferred: only projects with a .env pay for it

    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    with path.open(encoding="utf-8") as stream:
        for binding in parse_stream(stream):
            if binding.key is None or binding.value is None:
                continue
            values[binding.key] = binding.value
            # The parser starts a binding at the blank lines before it: count them out.
            text = binding.original.string
            blank = text[: len(text) - len(text.lstrip())].count("\n")
            lines[binding.key] = binding.original.line + blank
    return values, lines
