"""``manage.py startapp NAME``: an app skeleton, added to INSTALLED_APPS for you."""

from __future__ import annotations

import os
from pathlib import Path

import click

__all__ = ["startapp"]


def _project_root() -> Path | None:
    """Return the project's BASE_DIR when running inside a project, else None."""
    from framework.conf import ENVIRONMENT_VARIABLE, settings

    if not (os.environ.get(ENVIRONMENT_VARIABLE) or settings.configured):
        return None
    return Path(settings.BASE_DIR)


@click.command()
@click.argument("name")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--package",
    is_flag=True,
    help="Create a reusable, pip-installable app (own pyproject.toml and tests).",
)
@click.option(
    "--api",
    is_flag=True,
    help="A JSON API app: model, schemas, a CRUD controller, its migration and tests.",
)
@click.option(
    "--template",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A cookiecutter template folder to use instead of the built-in one.",
)
def startapp(
    name: str, directory: Path | None, package: bool, api: bool, template: Path | None
) -> None:
    """Create app NAME (in the project root, or DIRECTORY) and register it in INSTALLED_APPS."""
    from framework.cli.scaffold import (
        check_name,
        ensure_empty,
        find_template,
        refuse_installed_label,
        render_template,
    )
    from framework.console import get_console

    if api and (package or template):
        raise click.UsageError("--api cannot be combined with --package or --template.")
    check_name(name, "app")
    project_root = _project_root()
    if project_root is not None:
        refuse_installed_label(name)
    base = project_root or Path.cwd()
    target = (directory or base / name).resolve()
    ensure_empty(target)
    context = {"app_name": name, "app_class": _class_name(name)}
    app_template = template or find_template("app_template")
    console = get_console()
    if package:
        render_template(app_template, context, target, directory="package")
        render_template(app_template, context, target / "src" / name, directory="app")
        console.print(f"[green]Created reusable app[/] [bold]{name}[/] in {target}")
        console.print("Next steps:")
        console.print(f"  pip install -e {_shown(target)}")
        console.print(f'  add "{name}" to INSTALLED_APPS')
        return
    flavour = "api" if api else "app"
    render_template(app_template, context, target, directory=None if template else flavour)
    console.print(f"[green]Created app[/] [bold]{name}[/] in {target}")
    if project_root is None:
        console.print(f'Add "{name}" to INSTALLED_APPS in your settings module.')
        return
    _register(name, target, project_root)


def _register(name: str, target: Path, project_root: Path) -> None:
    from framework.cli.scaffold import importable_name, placement_problem
    from framework.cli.settings_edit import add_installed_app
    from framework.conf import settings
    from framework.console import get_console, print_warning

    console = get_console()
    module = importable_name(target, project_root)
    if module is None:
        print_warning(placement_problem(name, target, project_root))
        return
    if module != name:
        console.print(
            f'The app "{name}" is imported as "{module}" (its files are in {_shown(target)}).'
        )
    settings_module = settings.wrapped.module_name
    settings_file = _module_file(settings_module) if settings_module else None
    if settings_file is None:
        console.print(f'Add "{module}" to INSTALLED_APPS in your settings.')
        return
    outcome = add_installed_app(settings_file, module)
    shown = _shown(settings_file)
    if outcome == "added":
        console.print(f'Added "{module}" to INSTALLED_APPS in {shown}.')
    elif outcome == "present":
        console.print(f'"{module}" is already in INSTALLED_APPS in {shown}.')
    else:
        print_warning(
            f"INSTALLED_APPS in {shown} is not a plain list, so it was not edited. "
            f'Add this line to it:\n    "{module}",'
        )


def _module_file(module: str) -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec(module)
    return Path(spec.origin) if spec and spec.origin else None


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) or name
