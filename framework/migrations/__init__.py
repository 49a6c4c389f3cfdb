"""Per-app migrations on Alembic: ``from framework.migrations import upgrade, downgrade``.

Each app's ``migrations/`` folder is an Alembic versions directory whose branch label is the
app label; the Alembic environment is this package (projects carry no ``alembic.ini``).
The ``db-*`` management commands are thin wrappers around the functions exported here.
"""

from __future__ import annotations

from framework.migrations.database import (
    AppState,
    aliases_for_target,
    current,
    database_aliases,
    downgrade,
    load_scripts,
    pending,
    plan,
    stamp,
    upgrade,
)
from framework.migrations.runner import AppliedStep
from framework.migrations.scripts import MigrationError, MigrationScripts

__all__ = [
    "AppState",
    "AppliedStep",
    "MigrationError",
    "MigrationScripts",
    "aliases_for_target",
    "current",
    "database_aliases",
    "downgrade",
    "load_scripts",
    "pending",
    "plan",
    "stamp",
    "upgrade",
]
