"""``manage.py routes``: every route the project serves, in match order."""

from __future__ import annotations

import json

import click

from framework.cli.options import as_json_option

__all__ = ["routes"]

_COLUMNS = (
    ("methods", "Method"),
    ("path", "Path"),
    ("name", "Name"),
    ("handler", "Handler"),
    ("app", "App"),
)


@click.command()
@as_json_option
@click.option("--app", "app_label", metavar="LABEL", help="Only the routes of this app.")
def routes(as_json: bool, app_label: str | None) -> None:
    """List the routes: method, path, name (for url_for), handler and app."""
    from framework.cli.server import load_project_app

    app = load_project_app("its routes cannot be listed")
    rows = list(app.describe_routes())
    if app_label:
        from framework.cli.lookups import app_config

        app_config(app_label)  # an unknown label fails with "did you mean"
        rows = [row for row in rows if row["app"] == app_label]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    from framework.console import get_console

    table = Table(title=f"Routes ({len(rows)})")
    for _, title in _COLUMNS:
        table.add_column(title, overflow="fold")
    for row in rows:
        table.add_row(*(str(row[key]) for key, _ in _COLUMNS))
    get_console().print(table)
