"""Compare the models with what the migrations build, app by app.

The comparison never looks at the live schema: the migrations are applied to a scratch
database first (a temporary SQLite file, or a throwaway schema inside a transaction that is
rolled back on PostgreSQL), so ``db-migrate`` and ``db-check`` answer "do the migrations
match the models?" whatever state the real database is in, and never change it.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic.autogenerate import produce_migrations
from alembic.autogenerate.api import AutogenContext
from alembic.operations import ops
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.pool import NullPool

from framework.db.config import DatabaseConfig
from framework.migrations.changes import (
    describe,
    destructive,
    flatten,
    referenced_tables,
    table_of,
)
from framework.migrations.internals import render_operations
from framework.migrations.runner import run_migrations
from framework.migrations.scripts import MigrationScripts

__all__ = ["AppChanges", "compare", "scratch_connection", "sqlite_scratch_engine"]

_RENDER_OPTIONS = {
    "sqlalchemy_module_prefix": "sa.",
    "alembic_module_prefix": "op.",
    "render_as_batch": True,
    "user_module_prefix": None,
    "render_item": None,
}


@dataclass
class AppChanges:
    """What one app's models change compared with its migrations, rendered as code."""

    app: str
    changes: list[str]
    destructive: list[str]
    upgrade_code: str
    downgrade_code: str
    imports: set[str] = field(default_factory=set)
    #: Other apps whose tables the new foreign keys point to.
    references: set[str] = field(default_factory=set)
    #: Tables of other apps that the new foreign keys point to.
    referenced_tables: set[str] = field(default_factory=set)
    #: Tables the changes create.
    creates: set[str] = field(default_factory=set)


@asynccontextmanager
async def scratch_connection(
    config: DatabaseConfig, scripts: MigrationScripts
) -> AsyncIterator[AsyncConnection]:
    """Yield a connection to an empty database on which every migration has been applied."""
    if config.is_sqlite:
        async with _sqlite_scratch(config, scripts) as connection:
            yield connection
    else:
        async with _postgres_scratch(config, scripts) as connection:
            yield connection


@asynccontextmanager
async def sqlite_scratch_engine(
    config: DatabaseConfig,
) -> AsyncIterator[tuple[DatabaseConfig, AsyncEngine]]:
    """Yield an engine on an empty temporary SQLite file with *config*'s pragmas (and its config).

    The file is deleted on exit; the engine keeps no pool, so nothing outlives the block.
    """
    from framework.db.engines import create_engine

    with tempfile.TemporaryDirectory(prefix="framework-scratch-") as folder:
        url = config.url.set(database=str(Path(folder) / "scratch.sqlite3"))
        scratch = DatabaseConfig(config.alias, url, {}, config.pragmas)
        engine = create_engine(scratch, poolclass=NullPool)
        try:
            yield scratch, engine
        finally:
            await engine.dispose()


@asynccontextmanager
async def _sqlite_scratch(
    config: DatabaseConfig, scripts: MigrationScripts
) -> AsyncIterator[AsyncConnection]:
    async with sqlite_scratch_engine(config) as (scratch, engine):
        async with engine.connect() as connection:
            await connection.run_sync(run_migrations, scripts, scratch, "apply", "heads")
        async with engine.connect() as connection:
            yield connection


@asynccontextmanager
async def _postgres_scratch(
    config: DatabaseConfig, scripts: MigrationScripts
) -> AsyncIterator[AsyncConnection]:
    from framework.migrations.database import migration_engine

    schema = f"framework_scratch_{secrets.token_hex(6)}"
    async with migration_engine(config) as engine, engine.connect() as connection:
        transaction = await connection.begin()
        try:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            await connection.execute(text(f'SET LOCAL search_path TO "{schema}"'))
            await connection.run_sync(run_migrations, scripts, config, "apply", "heads")
            yield connection
        finally:
            await transaction.rollback()


async def compare(
    config: DatabaseConfig, scripts: MigrationScripts, owners: dict[str, str]
) -> dict[str, AppChanges]:
    """Return, for each app whose models differ from its migrations, the changes.

    *owners* maps each table to its app; tables no app owns are left alone.
    """
    async with scratch_connection(config, scripts) as connection:
        return await connection.run_sync(_compare, owners)


def _compare(connection: Connection, owners: dict[str, str]) -> dict[str, AppChanges]:
    from framework.db.models import metadata

    def include_object(
        item: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
    ) -> bool:
        table = name if type_ == "table" else getattr(getattr(item, "table", None), "name", None)
        return table in owners

    context = MigrationContext.configure(
        connection,
        opts={
            "target_metadata": metadata,
            "include_object": include_object,
            "compare_type": True,
            **_RENDER_OPTIONS,
        },
    )
    script = produce_migrations(context, metadata)
    assert script.upgrade_ops is not None
    grouped: dict[str, list[ops.MigrateOperation]] = {}
    for operation in script.upgrade_ops.ops:
        owner = owners.get(table_of(operation) or "")
        if owner is not None:
            grouped.setdefault(owner, []).append(operation)
    return {app: _render(context, app, operations, owners) for app, operations in grouped.items()}


def _render(
    context: MigrationContext,
    app: str,
    operations: list[ops.MigrateOperation],
    owners: dict[str, str],
) -> AppChanges:
    upgrade_ops = ops.UpgradeOps(ops=operations)
    downgrade_ops = upgrade_ops.reverse()
    autogen = AutogenContext(context, opts=_RENDER_OPTIONS)
    autogen.imports = set()
    upgrade_code = render_operations(upgrade_ops, autogen)
    downgrade_code = render_operations(downgrade_ops, autogen)
    targets = {table for table in referenced_tables(operations) if owners.get(table, app) != app}
    return AppChanges(
        app=app,
        changes=[describe(operation) for operation in flatten(operations)],
        destructive=destructive(operations),
        upgrade_code=upgrade_code,
        downgrade_code=downgrade_code,
        imports=set(autogen.imports),
        references={owners[table] for table in targets},
        referenced_tables=targets,
        creates={
            operation.table_name
            for operation in operations
            if isinstance(operation, ops.CreateTableOp)
        },
    )
