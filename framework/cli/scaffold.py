"""Render the project and app templates (cookiecutter) into a target folder, safely.

The templates ship inside the wheel (``framework/_templates``); from a source checkout they
are the top-level ``project_template/`` and ``app_template/`` folders.
"""

from __future__ import annotations

import importlib.util
import keyword
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from framework.exceptions import CommandError, FrameworkError

__all__ = [
    "check_name",
    "ensure_empty",
    "find_template",
    "importable_name",
    "placement_problem",
    "refuse_installed_label",
    "render_template",
]


#: Names that are standard-library packages without being listed as such.
_RESERVED = frozenset({"test", "idlelib", "lib2to3", "ensurepip", "venv"})


def find_template(name: str) -> Path:
    """Return the folder of the built-in template *name* (``project_template``…)."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "_templates" / name, package_dir.parent / name):
        if (candidate / "cookiecutter.json").is_file() or candidate.is_dir():
            return candidate
    raise CommandError(f"The built-in template {name!r} is missing; reinstall framework.")


def check_name(name: str, kind: str) -> None:
    """Refuse a project or app *name* that is not an identifier or shadows a module."""
    if not name.isidentifier() or keyword.iskeyword(name):
        raise CommandError(
            f"{name!r} is not a valid {kind} name: use a Python identifier such as 'my{kind}' "
            "(letters, digits and underscores, not starting with a digit)."
        )
    if name in _RESERVED or name in sys.stdlib_module_names or name in sys.builtin_module_names:
        raise CommandError(
            f"{name!r} is the name of a standard-library module; choose another {kind} name."
        )
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is not None:
        # A package found in the current directory is the user's own folder, not a conflict
        # (``startapp`` run twice is refused later, because the folder is not empty).
        origin = Path(spec.origin or next(iter(spec.submodule_search_locations or []), ""))
        if Path.cwd() not in origin.resolve().parents:
            raise CommandError(
                f"{name!r} conflicts with the name of an existing Python module "
                f"({origin}); choose another {kind} name."
            )


def refuse_installed_label(name: str) -> None:
    """Refuse an app *name* whose label an installed app already has (``auth``, ``openapi``).

    Checked before anything is written, so the folder and the settings stay as they were.
    """
    from framework.apps import AppConfig
    from framework.conf import settings

    for entry in settings.INSTALLED_APPS:
        try:
            config = AppConfig.create(entry)
        except FrameworkError:
            continue  # a broken entry: check reports it; startapp still works
        if config.label == name:
            raise CommandError(
                f"The app label {name!r} is taken by the installed app {config.name!r}; two "
                f"apps cannot share a label. Choose another name (e.g. 'my{name}')."
            )


def importable_name(target: Path, project_root: Path) -> str | None:
    """Return the dotted name app folder *target* imports as from *project_root*, else None.

    Django's ``startapp NAME DIRECTORY`` writes the app's files into DIRECTORY itself, so the
    module is DIRECTORY's dotted path (``apps`` for ``startapp thing apps``), never NAME. The
    answer is checked by finding the module, so the settings never name one that does not import.
    """
    try:
        parts = target.relative_to(project_root).parts
    except ValueError:
        return None
    if not parts or not all(part.isidentifier() and not keyword.iskeyword(part) for part in parts):
        return None
    folders = [project_root.joinpath(*parts[:i]) for i in range(1, len(parts))]
    if any(not (folder / "__init__.py").is_file() for folder in folders):
        return None  # a namespace package would import, but would merge with others of its name
    dotted = ".".join(parts)
    importlib.invalidate_caches()
    try:
        spec = importlib.util.find_spec(dotted)
    except (ImportError, ValueError):
        return None
    found = spec.origin if spec is not None else None
    return dotted if found and Path(found).resolve() == target / "__init__.py" else None


def placement_problem(name: str, target: Path, project_root: Path) -> str:
    """Return what keeps app *name*, created at *target*, from being registered as it is."""
    try:
        relative = target.relative_to(project_root)
    except ValueError:
        return (
            f"{target} is outside the project folder {project_root}: make it importable "
            f'(pip install it, or put its parent on sys.path), then add "{name}" to '
            "INSTALLED_APPS."
        )
    bad = [part for part in relative.parts if not part.isidentifier() or keyword.iskeyword(part)]
    if bad:
        return (
            f"{relative} cannot be imported: {bad[0]!r} is not a valid Python package name. "
            f"Rename the folder to an identifier, then add its dotted path to INSTALLED_APPS "
            f"(app {name!r})."
        )
    folders = [project_root.joinpath(*relative.parts[:i]) for i in range(1, len(relative.parts))]
    missing = [folder for folder in folders if not (folder / "__init__.py").is_file()]
    dotted = ".".join(relative.parts)
    if missing:
        first = missing[0].relative_to(project_root)
        return (
            f"{relative} is in the subfolder '{first}', which is not a Python package (no "
            f"__init__.py), so the app cannot be imported as '{dotted}': add "
            f"'{first}/__init__.py' and then \"{dotted}\" to INSTALLED_APPS, or create the "
            "app at the project root."
        )
    return (
        f'{relative} does not import as "{dotted}" from the project folder (another module of '
        f"that name comes first?): rename the folder, then add its dotted path to INSTALLED_APPS."
    )


def _short(exc: Exception) -> str:
    """Return cookiecutter's message without the rendering context it appends."""
    return str(exc).split(". Context: ", 1)[0]


def ensure_empty(target: Path) -> None:
    """Refuse to render into a folder that already has files in it."""
    if target.exists() and not target.is_dir():
        raise CommandError(f"{target} exists and is not a directory.")
    if target.is_dir() and any(target.iterdir()):
        raise CommandError(f"{target} already exists and is not empty; choose an empty directory.")


def render_template(
    template: Path, context: dict[str, Any], target: Path, directory: str | None = None
) -> Path:
    """Render cookiecutter *template* with *context* into *target* and return *target*.

    Rendering happens in a temporary folder beside *target*, then moves in, so a failure never
    leaves a half-written project behind. Cookiecutter's replay files stay out of ``$HOME``.
    """
    from cookiecutter.exceptions import CookiecutterException
    from cookiecutter.main import cookiecutter
    from jinja2 import TemplateError

    template_dir = (template / directory if directory else template).resolve()
    if not (template_dir / "cookiecutter.json").is_file():
        raise CommandError(f"{template_dir} is not a cookiecutter template (no cookiecutter.json).")
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".framework-render-") as tmp:
        try:
            rendered = cookiecutter(
                str(template),
                directory=directory,
                no_input=True,
                extra_context=context,
                output_dir=os.path.join(tmp, "out"),
                default_config={
                    "replay_dir": os.path.join(tmp, "replay"),
                    "cookiecutters_dir": os.path.join(tmp, "cache"),
                },
            )
        except CookiecutterException as exc:
            raise CommandError(f"Template {template_dir} failed to render: {_short(exc)}") from exc
        except TemplateError as exc:
            where = f"{getattr(exc, 'filename', None) or '?'}, line {getattr(exc, 'lineno', '?')}"
            raise CommandError(
                f"Template {template_dir} has a Jinja error in {where}: {exc.message or exc}"
            ) from exc
        for cache in list(Path(rendered).rglob("__pycache__")):
            shutil.rmtree(cache)  # bytecode a template folder picked up is not part of it
        target.mkdir(exist_ok=True)
        for child in Path(rendered).iterdir():
            shutil.move(str(child), str(target / child.name))
    return target
