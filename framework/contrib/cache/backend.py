"""``database``: a cache in the ``cache_entry`` table, shared by everything on the database.

Each operation is one statement in a transaction of its own, on a connection of its own —
never the request's session, so a request that rolls back does not roll back the rate-limit
counts it made. Writes are ``INSERT … ON CONFLICT (key) DO UPDATE`` (SQLite and PostgreSQL);
``aadd`` only replaces an expired row (``… DO UPDATE … WHERE expires <= now``), ``aincr`` is
``UPDATE … SET counter = counter + :delta … RETURNING``, so both are atomic between
processes. Expired rows are deleted by every 100th write of a process.
"""

from __future__ import annotations

import itertools
import math
import time
from typing import Any

from sqlalchemy import case, delete, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from framework.cache.base import DEFAULT, BaseCache
from framework.cache.config import CacheConfig
from framework.contrib.cache.models import FOREVER, CacheEntry
from framework.exceptions import ImproperlyConfigured

__all__ = ["DatabaseCache"]

_CULL_EVERY = 100
#: The mapped table, looked up as a ``Table`` (``CacheEntry.__table__`` is typed as any FROM).
_table = CacheEntry.metadata.tables[CacheEntry.__tablename__]


def _columns(data: bytes | int) -> dict[str, Any]:
    if isinstance(data, int):
        return {"value": None, "counter": data}
    return {"value": data, "counter": None}


class DatabaseCache(BaseCache):
    """A cache in the database (``framework.contrib.cache`` in INSTALLED_APPS)."""

    unavailable = (OperationalError, InterfaceError, OSError, TimeoutError)

    def __init__(self, config: CacheConfig) -> None:
        super().__init__(config)
        if config.location:
            raise ImproperlyConfigured(
                f"CACHES[{config.alias!r}]['LOCATION'] must be empty for the database cache: "
                f"its table is on the database of the 'cache' app; got {config.location!r}."
            )
        self._writes = itertools.count(1)

    def engine(self) -> AsyncEngine:
        """Return the engine of the database that holds ``cache_entry``."""
        from framework.db import database_alias, engines

        return engines.get(database_alias(CacheEntry))

    def _insert(self) -> Any:
        dialect = self.engine().dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects import postgresql

            return postgresql.insert(_table)
        if dialect == "sqlite":
            from sqlalchemy.dialects import sqlite

            return sqlite.insert(_table)
        raise ImproperlyConfigured(
            f"The database cache needs INSERT … ON CONFLICT (SQLite, PostgreSQL); the "
            f"database of the 'cache' app is {dialect!r}."
        )

    async def _execute(self, statement: Any) -> Any:
        async with self.engine().begin() as connection:
            result = await connection.execute(statement)
            return result.all() if result.returns_rows else None

    async def _cull(self) -> None:
        if next(self._writes) % _CULL_EVERY == 0:
            await self._execute(delete(_table).where(_table.c.expires <= time.time()))

    @staticmethod
    def _expires(timeout: float | None) -> float:
        return FOREVER if timeout is None else time.time() + timeout

    # -- primitives -------------------------------------------------------------------------

    async def _get(self, key: str) -> Any:
        found = await self._get_many([key])
        return found.get(key, DEFAULT)

    async def _get_many(self, keys: list[str]) -> dict[str, Any]:
        if not keys:
            return {}
        columns = (_table.c.key, _table.c.value, _table.c.counter)
        statement = select(*columns).where(_table.c.key.in_(keys), _table.c.expires > time.time())
        rows = await self._execute(statement)
        return {key: counter if value is None else value for key, value, counter in rows}

    async def _set(self, key: str, data: bytes | int, timeout: float | None) -> None:
        await self._set_many({key: data}, timeout)

    async def _set_many(self, items: dict[str, bytes | int], timeout: float | None) -> None:
        if not items:
            return
        expires = self._expires(timeout)
        rows = [{"key": key, **_columns(data), "expires": expires} for key, data in items.items()]
        insert = self._insert()
        statement = insert.values(rows).on_conflict_do_update(
            index_elements=[_table.c.key],
            set_={name: insert.excluded[name] for name in ("value", "counter", "expires")},
        )
        await self._execute(statement)
        await self._cull()

    async def _add(self, key: str, data: bytes | int, timeout: float | None) -> bool:
        insert = self._insert()
        statement = (
            insert.values(key=key, **_columns(data), expires=self._expires(timeout))
            .on_conflict_do_update(
                index_elements=[_table.c.key],
                set_={name: insert.excluded[name] for name in ("value", "counter", "expires")},
                where=_table.c.expires <= time.time(),
            )
            .returning(_table.c.key)
        )
        return bool(await self._execute(statement))

    async def _incr(self, key: str, delta: int) -> int | None:
        statement = (
            update(_table)
            .where(
                _table.c.key == key,
                _table.c.expires > time.time(),
                _table.c.counter.is_not(None),
            )
            .values(counter=_table.c.counter + delta)
            .returning(_table.c.counter)
        )
        rows = await self._execute(statement)
        return int(rows[0][0]) if rows else None

    async def _delete(self, key: str) -> bool:
        statement = delete(_table).where(_table.c.key == key).returning(_table.c.expires)
        rows = await self._execute(statement)
        return bool(rows) and rows[0][0] > time.time()

    async def _delete_many(self, keys: list[str]) -> None:
        if keys:
            await self._execute(delete(_table).where(_table.c.key.in_(keys)))

    async def _ttl(self, key: str) -> Any:
        now = time.time()
        statement = select(_table.c.expires).where(_table.c.key == key, _table.c.expires > now)
        rows = await self._execute(statement)
        if not rows:
            return DEFAULT
        expires = rows[0][0]
        return math.inf if expires >= FOREVER else expires - now

    async def _hit(self, key: str, delta: int, timeout: float) -> tuple[int, float]:
        now = time.time()
        insert = self._insert()
        # The window restarts when the row has expired (or holds a non-counter value).
        restart = (_table.c.expires <= now) | _table.c.counter.is_(None)
        statement = (
            insert.values(key=key, value=None, counter=delta, expires=now + timeout)
            .on_conflict_do_update(
                index_elements=[_table.c.key],
                set_={
                    "value": None,
                    "counter": case(
                        (restart, insert.excluded.counter),
                        else_=_table.c.counter + insert.excluded.counter,
                    ),
                    "expires": case((restart, insert.excluded.expires), else_=_table.c.expires),
                },
            )
            .returning(_table.c.counter, _table.c.expires)
        )
        rows = await self._execute(statement)
        return int(rows[0][0]), float(rows[0][1])

    async def _clear(self) -> None:
        prefix = f"{self.key_prefix}:"
        await self._execute(delete(_table).where(_table.c.key.startswith(prefix, autoescape=True)))
