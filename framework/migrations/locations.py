"""Where each app's migrations live, per database, and which tables each app owns.

An app's migrations for its own database (``AppConfig.database``) are in
``<app>/migrations/``; a model that picks another alias (``__database__``) has its
migrations in ``<app>/migrations/<alias>/``. Every folder is one Alembic branch labelled
with the app label, inside one Alembic script directory per database.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Table

    from framework.apps import AppConfig

__all__ = [
    "AppMigrations",
    "app_models",
    "migration_sets",
    "model_tables",
    "owned_tables",
]


@dataclass(frozen=True)
class AppMigrations:
    """The migrations folder of one app on one database."""

    label: str
    alias: str
    directory: Path
    app: AppConfig

    @property
    def local(self) -> bool:
        """Return whether the folder is part of the project (not an installed package)."""
        from framework.conf import settings

        base = Path(settings.BASE_DIR).resolve()
        directory = self.directory.resolve()
        return directory.is_relative_to(base) and "site-packages" not in directory.parts

    def revision_files(self) -> list[Path]:
        """Return the revision files of the folder, sorted by name."""
        if not self.directory.is_dir():
            return []
        return sorted(
            path for path in self.directory.glob("*.py") if not path.name.startswith("__")
        )


def app_models(label: str) -> list[type[Any]]:
    """Return the model classes of app *label*, in definition order.

    Read from SQLAlchemy's registry rather than the app registry, so a project built
    twice in one process (tests) still finds models whose modules were imported once.
    """
    from framework.db.models import Model

    found = [
        mapper.class_
        for mapper in Model.registry.mappers
        if getattr(mapper.class_, "__app_label__", None) == label
    ]
    return sorted(found, key=lambda model: model.__definition_order__)


def _folder(app: AppConfig, alias: str) -> Path:
    base = app.path / "migrations"
    return base if alias == app.database else base / alias


def migration_sets() -> dict[str, list[AppMigrations]]:
    """Return, per database alias, the migration folders of the apps that use it.

    An app is listed for an alias when it has models or migration files there, and for its
    own database when it has a ``migrations/`` folder (hand-written migrations need no model).
    """
    from framework.apps import apps
    from framework.db import engines

    sets: dict[str, list[AppMigrations]] = {alias: [] for alias in engines.aliases()}
    for app in apps.get_app_configs():
        aliases = {table_alias for table_alias, _ in _app_tables(app.label)}
        for alias in sets:
            entry = AppMigrations(app.label, alias, _folder(app, alias), app)
            own_folder = alias == app.database and entry.directory.is_dir()
            if alias in aliases or own_folder or entry.revision_files():
                sets[alias].append(entry)
    return {alias: entries for alias, entries in sets.items() if entries}


def _app_tables(label: str) -> list[tuple[str, Table]]:
    from framework.db.models import database_alias

    tables = [(database_alias(model), model.__table__) for model in app_models(label)]
    seen = {table.name for _, table in tables}
    for alias, table in _unmapped_tables():
        if table.name not in seen and _unmapped_owner(table) == label:
            tables.append((alias, table))
    return tables


def _unmapped_tables() -> list[tuple[str, Table]]:
    """Return metadata tables no model maps (association tables), with their alias."""
    from framework.apps import apps
    from framework.db.models import Model

    mapped = {getattr(mapper.local_table, "name", "") for mapper in Model.registry.mappers}
    found = []
    for table in Model.metadata.sorted_tables:
        owner = _unmapped_owner(table)
        if table.name in mapped or owner is None or owner not in apps.app_configs:
            continue
        found.append((apps.app_configs[owner].database, table))
    return found


def _unmapped_owner(table: Table) -> str | None:
    """Return the app of a plain table: ``info={"app_label": ...}``, else its name prefix."""
    from framework.apps import apps

    explicit = table.info.get("app_label")
    if explicit:
        return str(explicit)
    labels = [label for label in apps.app_configs if table.name.startswith(f"{label}_")]
    return max(labels, key=len, default=None)


def model_tables(alias: str) -> dict[str, str]:
    """Return ``{table name: app label}`` for the tables the models put on *alias*."""
    from framework.apps import apps

    owned: dict[str, str] = {}
    for label in apps.app_configs:
        for table_alias, table in _app_tables(label):
            if table_alias == alias:
                owned[table.name] = label
    return owned


def owned_tables(alias: str, entries: list[AppMigrations]) -> dict[str, str]:
    """Return ``{table: app}`` for *alias*: the models' tables and those migrations created.

    A table that a migration created but no model declares any more is still its app's,
    so autogenerate can drop it into the right folder.
    """
    owned: dict[str, str] = {}
    for entry in entries:
        for path in entry.revision_files():
            for name in created_tables(path):
                owned.setdefault(name, entry.label)
    owned.update(model_tables(alias))
    return owned


def created_tables(path: Path) -> list[str]:
    """Return the names passed to ``op.create_table("name", ...)`` in a revision file."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    except (OSError, SyntaxError):
        return []
    names = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "create_table"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.append(node.args[0].value)
    return names
