"""``manage.py dbshell``: the database's own client (sqlite3 or psql), connected."""

from __future__ import annotations

import click

__all__ = ["dbshell"]


@click.command(context_settings={"ignore_unknown_options": True})
@click.option("--database", "-d", default="default", show_default=True, metavar="ALIAS")
@click.argument("parameters", nargs=-1, type=click.UNPROCESSED)
def dbshell(database: str, parameters: tuple[str, ...]) -> None:
    """Open sqlite3 or psql on database ALIAS; PARAMETERS (after --) go to the client."""
    from framework.cli.dbclient import run_client

    status = run_client(database, parameters)
    if status:
        raise click.exceptions.Exit(status)
