"""Lone reads on PostgreSQL: one round trip instead of ``BEGIN``, the query and ``COMMIT``.

A read outside any transaction, with nothing for the session to flush (a CRUD ``get()``, a
``Query`` read, ``values()``), runs with :data:`~framework.db.sqlite.LONE_READ` set. SQLite
then sends no ``BEGIN`` (framework.db.sqlite). On PostgreSQL the asyncpg driver begins a
transaction before the first statement and commits it after: two extra round trips for a
read that needs neither, since every statement PostgreSQL runs outside a transaction is
atomic on its own. Django runs every query this way (autocommit) unless the code asks for a
transaction.

The hooks below put the connection in asyncpg's autocommit mode when SQLAlchemy begins a
lone read's transaction and take it out again when that transaction ends, so the next user
of the pooled connection finds it as configured. Reads inside ``transaction()``, an atomic
request (``ATOMIC_REQUESTS``), a ``db.session(atomic=True)`` block or after a pending write
never set ``LONE_READ``: they keep ``BEGIN`` … ``COMMIT`` and see one snapshot. A
connection configured for another isolation level (``isolation_level`` in the alias's
``OPTIONS``, or on the connection) keeps its transactions too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import Pool

from framework.db.sqlite import LONE_READ

__all__ = ["install_lone_read_hooks"]

#: Key in the pooled connection's ``info`` while a lone read has it in autocommit mode.
_AUTOCOMMIT_KEY = "framework_lone_read_autocommit"
#: asyncpg levels (as SQLAlchemy's adapter spells them) under which a statement on its own
#: behaves as in a transaction: the server's default, or read committed.
_PLAIN_LEVELS = {None, "read_committed"}


def _driver_connection(connection: Connection) -> Any:
    """Return the DBAPI adapter of *connection* if it is asyncpg's, else None."""
    if connection.dialect.driver != "asyncpg":
        return None
    return connection.connection.dbapi_connection


def _enter_autocommit(connection: Connection) -> None:
    """At the start of a lone read's transaction, let asyncpg send no ``BEGIN``/``COMMIT``."""
    if not LONE_READ.get():
        return
    adapter = _driver_connection(connection)
    if adapter is None or adapter.isolation_level not in _PLAIN_LEVELS:
        return  # already autocommit, or an isolation level was asked for: keep it
    adapter.autocommit = True
    connection.connection.info[_AUTOCOMMIT_KEY] = True


def _leave_autocommit(connection: Connection) -> None:
    """When the lone read's transaction ends, give the connection its own mode back."""
    if connection.dialect.driver != "asyncpg":
        return
    fairy = connection.connection
    adapter: Any = fairy.dbapi_connection
    if fairy.info.pop(_AUTOCOMMIT_KEY, False) and adapter is not None:
        adapter.autocommit = False  # asyncpg: back to the configured level


def _restore_on_checkin(dbapi_connection: Any, record: Any) -> None:
    """Give a connection returned mid-read (its transaction never ended) its mode back."""
    if record.info.pop(_AUTOCOMMIT_KEY, False) and dbapi_connection is not None:
        dbapi_connection.autocommit = False


def install_lone_read_hooks() -> None:
    """Listen on every engine (idempotent): lone reads on asyncpg run in autocommit mode."""
    if event.contains(Engine, "begin", _enter_autocommit):
        return
    event.listen(Engine, "begin", _enter_autocommit)
    event.listen(Engine, "commit", _leave_autocommit)
    event.listen(Engine, "rollback", _leave_autocommit)
    event.listen(Pool, "checkin", _restore_on_checkin)
