"""``manage.py openapi``: print or write the project's OpenAPI document."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["openapi"]


@click.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "yaml"]),
    default="json",
    show_default=True,
    help="Format of the document.",
)
@click.option(
    "-o",
    "--output",
    "output_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of printing.",
)
def openapi(output_format: str, output_path: Path | None) -> None:
    """Export the OpenAPI 3.1 document of the project's routes."""
    import json

    from framework.cli.server import load_project_app
    from framework.openapi import generate_openapi

    document = generate_openapi(load_project_app("it has no OpenAPI document"))
    if output_format == "yaml":
        import yaml

        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
    else:
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if output_path is None:
        click.echo(text, nl=False)
        return
    from framework.cli.files import write_text

    write_text(output_path, text)
    click.echo(f"Wrote the OpenAPI document to {output_path}.", err=True)
