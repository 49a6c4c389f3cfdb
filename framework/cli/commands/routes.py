"""``manage.py routes``: every route the project serves, in match order."""

from __future__ import annotations

import json
from typing import Any

import click

__all__ = ["routes"]

_COLUMNS = (
    ("methods", "Method"),
    ("path", "Path"),
    ("name", "Name"),
    ("handler", "Handler"),
    ("app", "App"),
)


def _project_routes() -> list[dict[str, Any]]:
    """Return the routes of the ASGI app that ``runserver`` would serve."""
    from framework.cli.commands.runserver import _import_target
    from framework.cli.server import asgi_target
    from framework.exceptions import CommandError
    from framework.module_loading import import_string

    target = asgi_target()
    _import_target(target)
    app = import_string(target, setting="ASGI_APPLICATION")
    describe = getattr(app, "describe_routes", None)
    if describe is None:
        raise CommandError(
            f"The ASGI application {target!r} is not a framework App, so its routes cannot be "
            "listed; build it with framework.web.get_asgi_application()."
        )
    return list(describe())


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--app", "app_label", metavar="LABEL", help="Only the routes of this app.")
def routes(as_json: bool, app_label: str | None) -> None:
    """List the routes: method, path, name (for url_for), handler and app."""
    rows = _project_routes()
    if app_label:
        from framework.apps import apps

        apps.get_app_config(app_label)  # an unknown label fails with "did you mean"
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
