"""Read a project's ``.env`` file: ``KEY=value`` lines, comments and quotes, no interpolation."""

from __future__ import annotations

from pathlib import Path

__all__ = ["read_dotenv"]


def read_dotenv(path: Path) -> dict[str, str]:
    """Return the variables of the ``.env`` file at *path*; a missing file is empty.

    Interpolation (``${OTHER}``) is off so a secret containing ``$`` is read verbatim.
    """
    if not path.is_file():
        return {}
    from dotenv import dotenv_values  # deferred: only projects with a .env pay for it

    values = dotenv_values(path, interpolate=False, encoding="utf-8")
    return {key: value for key, value in values.items() if value is not None}
