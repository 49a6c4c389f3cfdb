"""``python -m framework``: the ``framework`` command, for when the script is not on PATH."""

from __future__ import annotations

from framework.cli import main

if __name__ == "__main__":
    main()
