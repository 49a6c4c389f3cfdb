"""``manage.py graphql-schema [-o FILE]``: print the served schema in SDL."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["graphql_schema"]


@click.command("graphql-schema")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the schema to FILE instead of printing it.",
)
def graphql_schema(output: Path | None) -> None:
    """Print the GraphQL schema the project serves, in the schema definition language."""
    from framework.conf import settings
    from framework.console import get_console
    from framework.graphql.extras import require_graphql

    require_graphql()
    from framework.graphql.schema import engine_for_settings

    text = engine_for_settings(settings.wrapped).sdl().rstrip("\n") + "\n"
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    get_console().print(f"Wrote the GraphQL schema to {output}.")
