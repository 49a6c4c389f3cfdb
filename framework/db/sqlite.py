"""SQLite connection set-up: pragmas, real transactions, and the foreign-key switches.

Python's ``sqlite3`` (and so ``aiosqlite``) does not emit ``BEGIN`` before DDL or
``SAVEPOINT``, which breaks transactional migrations and nested transactions. As the
SQLAlchemy documentation recommends, the driver's own transaction handling is switched off
and SQLAlchemy emits ``BEGIN`` itself, so every transaction (DDL included) is real.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Mapping
from threading import Thread
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = [
    "LONE_READ",
    "TRANSACTION_MODE_OPTION",
    "foreign_key_violations",
    "install_sqlite_hooks",
    "set_foreign_keys",
]

#: Set while a read runs outside any transaction with nothing to flush. Such a read needs no
#: ``BEGIN``: each statement is atomic on its own (as in Django's autocommit mode), and
#: skipping it saves three round trips to the driver's thread on every lone query.
LONE_READ: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "framework_lone_read", default=False
)


#: Execution option naming how a transaction begins (``DEFERRED``, ``IMMEDIATE``,
#: ``EXCLUSIVE``); the engine that ORM sessions connect through carries the alias's mode.
TRANSACTION_MODE_OPTION = "framework_transaction_mode"


def install_sqlite_hooks(engine: AsyncEngine, pragmas: Mapping[str, Any]) -> None:
    """Apply *pragmas* to every new connection of *engine* and make transactions real.

    A connection with the :data:`TRANSACTION_MODE_OPTION` execution option (those of ORM
    sessions) begins with ``BEGIN <mode>``; others with SQLite's default, deferred.
    """

    @event.listens_for(engine.sync_engine, "do_connect")
    def _on_do_connect(dialect: Any, record: Any, cargs: Any, cparams: dict[str, Any]) -> None:
        if dialect.driver == "aiosqlite":
            cparams.setdefault("async_creator_fn", _connect_aiosqlite)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        # The driver must not manage transactions: BEGIN comes from the "begin" hook below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for name, value in pragmas.items():
                cursor.execute(f"PRAGMA {name}={value}")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if not LONE_READ.get():
            mode = connection.get_execution_options().get(TRANSACTION_MODE_OPTION)
            connection.exec_driver_sql(f"BEGIN {mode}" if mode else "BEGIN")


def _connect_aiosqlite(*args: Any, **kwargs: Any) -> Any:
    """Open an aiosqlite connection whose worker thread is gone when opening fails.

    aiosqlite stops the thread of a connection it failed to open without waiting for it; the
    thread then reports to the event loop, and if a command's loop has closed meanwhile it
    prints "Exception in thread … Event loop is closed" around the command's one-line error.
    """
    from framework.db.sqlite_driver import connect

    connection = connect(*args, **kwargs)
    # Before aiosqlite 0.22 the connection is the thread; daemon, as SQLAlchemy makes it.
    thread = connection if isinstance(connection, Thread) else connection._thread
    thread.daemon = True
    return _opened(connection, thread)


async def _opened(connection: Any, thread: Thread) -> Any:
    try:
        return await connection
    except BaseException:
        await asyncio.to_thread(thread.join, 30.0)
        raise


def set_foreign_keys(connection: Connection, enabled: bool) -> None:
    """Switch foreign-key enforcement on *connection* (outside a transaction, as SQLite needs).

    ``PRAGMA foreign_keys`` is a no-op inside a transaction, so it goes straight to the
    driver instead of through SQLAlchemy, which would begin one.
    """
    if connection.in_transaction():
        raise RuntimeError("PRAGMA foreign_keys must be set outside a transaction.")
    cursor = connection.connection.cursor()
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
    finally:
        cursor.close()


def foreign_key_violations(connection: Connection, limit: int = 5) -> list[str]:
    """Return up to *limit* descriptions of rows whose foreign key points nowhere.

    Runs ``PRAGMA foreign_key_check`` inside the current transaction, so a migration that
    rebuilt a table with foreign keys off can be refused before it commits.
    """
    rows = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    found = [f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in rows[:limit]]
    if len(rows) > limit:
        found.append(f"and {len(rows) - limit} more")
    return found
