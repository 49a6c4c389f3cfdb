"""``framework startproject NAME [DIRECTORY]``: a new project that runs with no other setup."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["startproject"]


@click.command()
@click.argument("name")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--template",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A cookiecutter template folder to use instead of the built-in one.",
)
def startproject(name: str, directory: Path | None, template: Path | None) -> None:
    """Create project NAME in DIRECTORY (default: ./NAME), with a fresh SECRET_KEY."""
    import secrets

    from framework.cli.scaffold import check_name, ensure_empty, find_template, render_template
    from framework.console import get_console
    from framework.version import get_version

    check_name(name, "project")
    target = (directory or Path(name)).resolve()
    ensure_empty(target)
    render_template(
        template or find_template("project_template"),
        {
            "project_name": name,
            "secret_key": secrets.token_urlsafe(50),
            "framework_version": get_version(),
        },
        target,
    )
    where = click.format_filename(str(Path(directory) if directory else Path(name)))
    console = get_console()
    console.print(f"[green]Created project[/] [bold]{name}[/] in {target}")
    console.print("Next steps:")
    if where != ".":
        console.print(f"  cd {where}")
    console.print("  python manage.py runserver")
