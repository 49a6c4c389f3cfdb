"""The management CLI: ``framework`` and every project's ``manage.py``."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from framework.cli.call import call_command

__all__ = ["call_command", "execute_from_command_line", "main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Run the ``framework`` command (the console-script entry point)."""
    from framework.cli.app import cli

    cli.main(args=argv, prog_name="framework")


def execute_from_command_line(
    argv: Sequence[str] | None = None, settings_module: str | None = None
) -> None:
    """Run a project's ``manage.py``: *settings_module* is the default settings module."""
    from framework.cli.app import cli

    if settings_module:
        os.environ.setdefault("FRAMEWORK_SETTINGS_MODULE", settings_module)
    args = list(sys.argv[1:] if argv is None else argv[1:])
    # Shell completion reads _MANAGE_PY_COMPLETE (click would derive "_MANAGE.PY_COMPLETE",
    # which no shell can set).
    cli.main(args=args, prog_name="manage.py", complete_var="_MANAGE_PY_COMPLETE")
