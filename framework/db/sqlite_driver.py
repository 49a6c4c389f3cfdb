"""The aiosqlite connection SQLAlchemy drives, with one thread hop per statement.

aiosqlite runs each call on the connection's own thread: every ``await`` is a hop there and
back (a queue put, a wake-up of the thread, a wake-up of the event loop). Through
SQLAlchemy a plain ``SELECT`` costs four (make the cursor, execute, fetch, close the cursor)
and its end two more (``COMMIT`` and the pool's ``ROLLBACK``), even when no transaction is
open and both are no-ops in SQLite.

:class:`LeanConnection` keeps aiosqlite's thread and API and changes only how often it is
called: a cursor makes its ``sqlite3`` cursor, executes, reads up to :data:`PREFETCH` rows
and, when that is all of them, closes itself, in one hop; ``commit()`` and ``rollback()``
return at once when SQLite has no transaction open (``sqlite3`` itself does nothing then).
A result larger than :data:`PREFETCH` rows (a ``stream()``) is read in further hops, as
before, so memory stays bounded.
"""

from __future__ import annotations

import sqlite3
from collections import deque
from collections.abc import AsyncIterator, Callable, Generator, Iterable
from typing import Any, TypeVar, cast

import aiosqlite

__all__ = ["PREFETCH", "LeanConnection", "LeanCursor", "connect"]

T = TypeVar("T")

#: Rows a statement's first hop reads; a result this long or longer is read on in more hops.
PREFETCH = 1000


def connect(database: str, *, iter_chunk_size: int = 64, **kwargs: Any) -> LeanConnection:
    """Return an unopened :class:`LeanConnection` to *database* (``await`` opens it)."""

    def connector() -> sqlite3.Connection:
        connection: sqlite3.Connection = sqlite3.connect(database, **kwargs)
        return connection

    return LeanConnection(connector, iter_chunk_size)


class LeanConnection(aiosqlite.Connection):
    """An aiosqlite connection whose cursors and no-op transaction ends skip thread hops."""

    async def hop(self, function: Callable[..., T], *args: Any) -> T:
        """Run ``function(*args)`` on the connection's thread and return its result."""
        execute = self._execute
        result = await execute(function, *args)  # type: ignore[no-untyped-call]  # aiosqlite: untyped
        return cast(T, result)

    def cursor(self) -> LeanCursor:  # type: ignore[override]  # aiosqlite: returns its Result
        """Return a cursor at once: its ``sqlite3`` cursor is made on the first execute."""
        return LeanCursor(self)

    async def commit(self) -> None:
        """Commit the open transaction; with none open, return without a hop."""
        if self._connection is not None and not self._connection.in_transaction:
            return
        await super().commit()

    async def rollback(self) -> None:
        """Roll back the open transaction; with none open, return without a hop."""
        if self._connection is not None and not self._connection.in_transaction:
            return
        await super().rollback()


class LeanCursor:
    """A cursor whose execute, first fetch and (for short results) close are one hop.

    The values that ``sqlite3`` sets on a cursor (``description``, ``rowcount``,
    ``lastrowid``) are copied in the worker thread when the statement has run, so reading
    them never touches the ``sqlite3`` cursor from the event loop's thread.
    """

    def __init__(self, connection: LeanConnection) -> None:
        self._conn = connection
        self.arraysize = 1
        self.iter_chunk_size: int = connection._iter_chunk_size
        self._cursor: sqlite3.Cursor | None = None  # open only while rows remain unread
        self._rows: deque[Any] = deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    def __await__(self) -> Generator[Any, None, LeanCursor]:
        return self
        yield  # a generator: awaiting the cursor (aiosqlite's spelling) finishes at once

    async def __aenter__(self) -> LeanCursor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = None) -> LeanCursor:
        """Run *sql*, reading its first rows (all of a short result) in the same hop."""
        args = (sql,) if parameters is None else (sql, parameters)
        await self._conn.hop(self._run, "execute", args)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> LeanCursor:
        """Run *sql* once per parameter set, in one hop."""
        await self._conn.hop(self._run, "executemany", (sql, parameters))
        return self

    async def executescript(self, sql_script: str) -> LeanCursor:
        """Run a script of several statements, in one hop."""
        await self._conn.hop(self._run, "executescript", (sql_script,))
        return self

    def _run(self, method: str, args: tuple[Any, ...]) -> None:
        """Execute and prefetch in the worker thread; close the cursor once it is drained."""
        cursor = self._cursor or self._conn._conn.cursor()
        self._cursor = cursor
        self._rows.clear()
        try:
            cursor.arraysize = self.arraysize
            getattr(cursor, method)(*args)
            self.description = cursor.description
            if self.description is not None:
                self._take(cursor, PREFETCH)
            else:
                self._drained(cursor)
        except BaseException:
            self._drained(cursor)
            raise

    def _take(self, cursor: sqlite3.Cursor, count: int) -> None:
        """Read up to *count* rows in the worker thread; close *cursor* if it ran out."""
        rows = cursor.fetchmany(count)
        self._rows.extend(rows)
        if len(rows) < count:
            self._drained(cursor)

    def _drained(self, cursor: sqlite3.Cursor) -> None:
        self.rowcount = cursor.rowcount
        self.lastrowid = cursor.lastrowid
        cursor.close()
        self._cursor = None

    async def _fill(self, count: int | None) -> None:
        """Make sure *count* rows (None: all of them) are buffered, reading on if needed."""
        cursor = self._cursor
        if cursor is None or (count is not None and len(self._rows) >= count):
            return
        if count is None:
            await self._conn.hop(self._take_all, cursor)
        else:
            await self._conn.hop(self._take, cursor, max(count - len(self._rows), 1))

    def _take_all(self, cursor: sqlite3.Cursor) -> None:
        self._rows.extend(cursor.fetchall())
        self._drained(cursor)

    async def fetchone(self) -> Any:
        """Return the next row, or None."""
        await self._fill(1)
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        """Return up to *size* rows (default ``arraysize``)."""
        count = self.arraysize if size is None else size
        await self._fill(count)
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    async def fetchall(self) -> list[Any]:
        """Return every remaining row."""
        await self._fill(None)
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        """Close the cursor (a hop only while rows are still unread)."""
        self._rows.clear()
        cursor, self._cursor = self._cursor, None
        if cursor is not None:
            await self._conn.hop(cursor.close)

    async def __aiter__(self) -> AsyncIterator[Any]:
        while rows := await self.fetchmany(self.iter_chunk_size):
            for row in rows:
                yield row

    @property
    def connection(self) -> LeanConnection:
        """Return the connection this cursor runs on."""
        return self._conn
