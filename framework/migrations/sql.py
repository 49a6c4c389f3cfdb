"""``db-sql``: the SQL the migrations would run, without touching the database.

On PostgreSQL this is Alembic's offline mode. SQLite cannot ``ALTER`` most things, so
migrations rebuild tables ("batch" mode), which needs to read the table first; there, the
migrations run on a scratch copy built from the migrations alone and every statement they
send is recorded, so what is printed is exactly what an upgrade would run.
"""

from __future__ import annotations

import io
from typing import Any

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from sqlalchemy import event

from framework.db.config import DatabaseConfig
from framework.migrations.autogenerate import sqlite_scratch_engine
from framework.migrations.internals import upgrade_steps
from framework.migrations.runner import AppliedStep, run_migrations
from framework.migrations.scripts import MigrationError, MigrationScripts

__all__ = ["migration_sql"]

#: Where the SQL starts: nothing (an empty database), a revision, or several heads.
Start = str | tuple[str, ...] | None

# Statements the migration machinery sends to look around, not to change anything.
_INTROSPECTION = ("PRAGMA", "SELECT ALEMBIC_VERSION.", "SELECT SQL FROM", "SELECT NAME FROM")


async def migration_sql(
    config: DatabaseConfig, scripts: MigrationScripts, target: str, start: Start
) -> str:
    """Return the SQL that takes the database from *start* (default: empty) to *target*.

    *start* is a revision, or the revisions a database records (one per app).
    """
    if config.is_sqlite:
        return await _recorded_sql(config, scripts, target, start)
    return _offline_sql(config, scripts, target, start)


def _offline_sql(
    config: DatabaseConfig, scripts: MigrationScripts, target: str, start: Start
) -> str:
    from framework.db.models import metadata

    buffer = io.StringIO()

    def plan(heads: Any, context: object) -> list[object]:
        return list(upgrade_steps(scripts.directory, target, heads))

    try:
        with EnvironmentContext(
            Config(),
            scripts.directory,
            fn=plan,
            as_sql=True,
            starting_rev=start,
            destination_rev=target,
        ) as environment:
            environment.configure(
                url=config.url,
                output_buffer=buffer,
                target_metadata=metadata,
                literal_binds=True,
                transactional_ddl=True,
                transaction_per_migration=True,
            )
            with environment.begin_transaction():
                environment.run_migrations()
    except Exception as exc:
        raise MigrationError(
            f"Cannot write the SQL of database {config.alias!r}: {type(exc).__name__}: {exc}"
        ) from exc
    return buffer.getvalue()


async def _recorded_sql(
    config: DatabaseConfig, scripts: MigrationScripts, target: str, start: Start
) -> str:
    lines: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        text = statement.strip()
        if text.upper().startswith(_INTROSPECTION):
            return
        lines.append(f"{text};")
        if parameters:
            lines.append(f"-- parameters: {parameters!r}")

    def end_of(step: AppliedStep) -> None:
        lines.append(f"-- {step.app} {step.revision} {step.message}".rstrip())
        lines.append("COMMIT;\n")

    async with (
        sqlite_scratch_engine(config) as (scratch, engine),
        engine.connect() as connection,
    ):
        if start:
            # Several heads go to Alembic as a tuple, which it takes at run time.
            heads: Any = start
            await connection.run_sync(run_migrations, scripts, scratch, "apply", heads)
        event.listen(engine.sync_engine, "before_cursor_execute", record)
        await connection.run_sync(run_migrations, scripts, scratch, "apply", target, end_of)
    return "\n".join(lines) + ("\n" if lines else "")
