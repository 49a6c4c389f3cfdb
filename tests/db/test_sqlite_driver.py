"""The SQLite driver connection: one thread hop per statement, the same results as before."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import Column as SAColumn
from sqlalchemy import Integer, MetaData, String, insert, select, text
from sqlalchemy import Table as SATable
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from framework.db import sqlite_driver
from framework.db.config import load_database_configs
from framework.db.engines import create_engine
from framework.db.sqlite import LONE_READ

metadata = MetaData()
notes = SATable(
    "notes",
    metadata,
    SAColumn("id", Integer, primary_key=True),
    SAColumn("body", String(50), nullable=False, unique=True),
)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    config = load_database_configs({"default": "sqlite:///notes.sqlite3"}, tmp_path)["default"]
    engine = create_engine(config)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(insert(notes), [{"body": f"note {n:02d}"} for n in range(1, 11)])
    yield engine
    await engine.dispose()


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Count the calls sent to each connection's thread, by function name."""
    counted: Counter[str] = Counter()
    original = aiosqlite.Connection._execute

    async def counting(self: Any, function: Any, *args: Any, **kwargs: Any) -> Any:
        counted[getattr(function, "__name__", repr(function))] += 1
        return await original(self, function, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counting)
    return counted


async def test_the_driver_connection_is_the_lean_one(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, sqlite_driver.LeanConnection)
        assert isinstance(raw.driver_connection, aiosqlite.Connection)


async def test_a_lone_read_is_one_hop(engine: AsyncEngine, hops: Counter[str]) -> None:
    async with engine.connect() as connection:  # warm the pool: connecting has its own hops
        await connection.execute(text("SELECT 1"))
    hops.clear()
    token = LONE_READ.set(True)
    try:
        async with AsyncSession(engine) as session:
            rows = (await session.execute(select(notes.c.body).order_by(notes.c.id))).all()
            await session.commit()
    finally:
        LONE_READ.reset(token)
    assert [row.body for row in rows][:2] == ["note 01", "note 02"]
    assert len(rows) == 10
    # The statement (cursor, execute, rows, close) is one hop; COMMIT and the pool's
    # ROLLBACK have no transaction to end, so none.
    assert hops == Counter({"_run": 1})


async def test_transactions_still_commit_and_roll_back(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(insert(notes).values(body="kept"))
        await connection.commit()
        await connection.execute(insert(notes).values(body="dropped"))
        await connection.rollback()
    async with engine.connect() as connection:
        bodies = (await connection.execute(select(notes.c.body))).scalars().all()
    assert "kept" in bodies and "dropped" not in bodies


async def test_long_results_are_read_in_several_hops(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, hops: Counter[str]
) -> None:
    monkeypatch.setattr(sqlite_driver, "PREFETCH", 3)
    async with engine.connect() as connection:
        every = (await connection.execute(select(notes.c.id).order_by(notes.c.id))).all()
        assert [row.id for row in every] == list(range(1, 11))
        hops.clear()
        streamed = await connection.stream(select(notes.c.id).order_by(notes.c.id))
        chunks = [[row.id for row in chunk] async for chunk in streamed.partitions(4)]
    assert chunks == [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10]]
    assert hops["_run"] == 1 and hops["_take"] >= 2  # the rest came in further hops


async def test_cursor_api_fetches_counts_and_ids(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        raw = (await connection.get_raw_connection()).driver_connection
        assert raw is not None
        async with raw.cursor() as cursor:
            await cursor.execute("SELECT id FROM notes ORDER BY id")
            assert await cursor.fetchone() == (1,)
            assert await cursor.fetchmany(2) == [(2,), (3,)]
            assert len(await cursor.fetchall()) == 7
            assert await cursor.fetchone() is None
            await cursor.execute("UPDATE notes SET body = body || '!' WHERE id <= 4")
            assert cursor.rowcount == 4 and cursor.description is None
            await cursor.execute("INSERT INTO notes (body) VALUES (?)", ("new",))
            assert cursor.lastrowid == 11
            await cursor.executemany("INSERT INTO notes (body) VALUES (?)", [("x",), ("y",)])
            assert cursor.rowcount == 2
            await cursor.execute("SELECT body FROM notes WHERE id > 10 ORDER BY id")
            assert [row async for row in cursor] == [("new",), ("x",), ("y",)]
        await raw.rollback()


async def test_errors_surface_and_the_connection_stays_usable(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        with pytest.raises(OperationalError, match="no such table"):
            await connection.execute(text("SELECT * FROM missing"))
        await connection.rollback()
        with pytest.raises(IntegrityError, match="UNIQUE"):
            await connection.execute(insert(notes).values(body="note 01"))
        await connection.rollback()
        assert (await connection.execute(text("SELECT count(*) FROM notes"))).scalar() == 10
