"""Write a command's output file, failing with one line that names the path and the fix."""

from __future__ import annotations

from pathlib import Path

from framework.exceptions import CommandError

__all__ = ["write_text"]


def write_text(path: Path, text: str) -> None:
    """Write *text* to *path*; a missing folder or a refused write is a ``CommandError``."""
    if not path.parent.is_dir():
        raise CommandError(
            f"Cannot write {str(path)!r}: the folder {str(path.parent)!r} does not exist; "
            "create it first or choose another path."
        )
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"Cannot write {str(path)!r}: {exc.strerror or exc}.") from None
