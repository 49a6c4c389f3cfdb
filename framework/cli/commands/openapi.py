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
@click.option(
    "--version",
    "spec_version",
    type=click.Choice(["3.1", "3.0"]),
    help="OpenAPI version of the document (default: OPENAPI_SPEC_VERSION, 3.1).",
)
def openapi(output_format: str, output_path: Path | None, spec_version: str | None) -> None:
    """Export the OpenAPI document (3.1, or 3.0 with --version 3.0) of the project's routes."""
    import json

    from framework.cli.server import load_project_app
    from framework.openapi import generate_openapi

    document = generate_openapi(
        load_project_app("it has no OpenAPI document"), version=spec_version
    )
    omitted = document.get("x-webhooks-omitted")
    if omitted:
        click.echo(
            f"OpenAPI 3.0 has no webhooks: left out {', '.join(omitted)} "
            "(listed under x-webhooks-omitted).",
            err=True,
        )
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
