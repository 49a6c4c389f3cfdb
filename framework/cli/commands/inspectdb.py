"""``manage.py inspectdb``: print a models module for the tables of an existing database."""

from __future__ import annotations

import click

__all__ = ["inspectdb"]


@click.command()
@click.argument("tables", nargs=-1, metavar="[TABLE]...")
@click.option("--database", "-d", default="default", show_default=True, metavar="ALIAS")
async def inspectdb(tables: tuple[str, ...], database: str) -> None:
    """Print models for the tables of database ALIAS (or only TABLEs), to save as models.py."""
    from framework.db import engines
    from framework.db.introspection import reflect_tables, render_models

    engines.config(database)  # an unknown alias fails here, naming the known ones
    async with engines.get(database).connect() as connection:
        found = await connection.run_sync(reflect_tables, list(tables))
    click.echo(render_models(found, f"database {database!r}"), nl=False)
