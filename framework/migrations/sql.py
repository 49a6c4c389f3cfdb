"""``db-sql``: the SQL the migrations would run, without touching the database.

On PostgreSQL this is Alembic's offline mode. SQLite cannot ``ALTER`` most things, so
migrations rebuild tables ("batch" mode), which needs to read the table first; there, the
migrations run on a scratch copy built from the migrations alone and every statement they
send is recorded, so what is printed is exactly what an upgrade would run.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
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
    open_at: list[int] = []  # where the open transaction's BEGIN was recorded

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        text = statement.strip()
        if text.upper().startswith(_INTROSPECTION):
            return
        if text.upper().startswith("BEGIN"):
            open_at[:] = [len(lines)]
        lines.extend(f"{line};" for line in _with_values(text, parameters))

    def rolled_back(conn: Any) -> None:
        # A transaction rolled back changed nothing (the machinery only looked around in it),
        # so its BEGIN goes too: the script holds one BEGIN per transaction that commits.
        if open_at:
            del lines[open_at.pop() :]

    def end_of(step: AppliedStep) -> None:
        open_at.clear()
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
        event.listen(engine.sync_engine, "rollback", rolled_back)
        await connection.run_sync(run_migrations, scripts, scratch, "apply", target, end_of)
    return "\n".join(lines) + ("\n" if lines else "")


def _with_values(statement: str, parameters: Any) -> list[str]:
    """Return *statement* once per parameter row, values written in, so the script runs as is.

    The driver takes ``?`` placeholders (outside quoted strings); named ones are left as a
    comment, which never happens with SQLite's default paramstyle.
    """
    if not parameters:
        return [statement]
    rows = parameters if isinstance(parameters, list) else [parameters]
    if any(not isinstance(row, (tuple, list)) for row in rows):
        return [f"{statement};\n-- parameters: {parameters!r}"]
    pieces = re.split(r"('(?:[^']|'')*')", statement)  # quoted strings at odd indices
    return [_filled(pieces, iter(row)) for row in rows]


def _filled(pieces: list[str], values: Iterator[Any]) -> str:
    """Return the statement split into *pieces*, each ``?`` outside quotes given a value."""
    return "".join(
        piece if index % 2 else re.sub(r"\?", lambda _: _literal(next(values)), piece)
        for index, piece in enumerate(pieces)
    )


def _literal(value: Any) -> str:
    """Return *value* as a SQLite literal."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, bytes):
        return f"X'{value.hex()}'"
    return "'" + str(value).replace("'", "''") + "'"
