"""Options shared by several commands, declared once so they read the same everywhere."""

from __future__ import annotations

import click

__all__ = ["as_json_option", "database_option", "lock_timeout_option"]

database_option = click.option(
    "--database", "-d", metavar="ALIAS", help="Only this database (default: every one)."
)
lock_timeout_option = click.option(
    "--lock-timeout",
    type=float,
    default=300.0,
    show_default=True,
    help="Seconds to wait while another process migrates the same database.",
)
as_json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON instead of a table."
)
