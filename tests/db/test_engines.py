"""Engines: one per alias and event loop, SQLite set up on every connection, closed cleanly."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import text

from framework.conf import settings
from framework.db import engines
from framework.exceptions import ImproperlyConfigured
from framework.runtime import run_cleanups


async def test_one_engine_per_alias_reused_within_the_loop(databases: dict[str, str]) -> None:
    default = engines.get("default")
    assert engines.get() is default
    assert engines.get("analytics") is not default
    async with default.connect() as connection:
        assert (await connection.execute(text("SELECT 1"))).scalar() == 1


async def test_each_backend_uses_its_async_driver(databases: dict[str, str], backend: str) -> None:
    assert engines.get().dialect.driver == {"sqlite": "aiosqlite", "postgres": "asyncpg"}[backend]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_sqlite_connections_get_wal_foreign_keys_and_busy_timeout(
    databases: dict[str, str],
) -> None:
    engine = engines.get()
    async with engine.connect() as first, engine.connect() as second:
        for connection in (first, second):
            pragma = connection.exec_driver_sql
            assert (await pragma("PRAGMA journal_mode")).scalar() == "wal"
            assert (await pragma("PRAGMA foreign_keys")).scalar() == 1
            assert (await pragma("PRAGMA busy_timeout")).scalar() == 5000


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_pragmas_from_settings_override_the_defaults(databases: dict[str, str]) -> None:
    entry = {"URL": databases["default"], "PRAGMAS": {"busy_timeout": 1234}}
    with settings.override(DATABASES={**databases, "default": entry}):
        async with engines.get().connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA busy_timeout")).scalar() == 1234


async def test_changed_databases_setting_gives_a_new_engine(databases: dict[str, str]) -> None:
    before = engines.get()
    with settings.override(DATABASES={"default": databases["analytics"]}):
        after = engines.get()
        assert after is not before
        assert after.url.database != before.url.database
    assert engines.get() is not after


async def test_cleanup_disposes_the_engines_of_the_loop(databases: dict[str, str]) -> None:
    engine = engines.get()
    async with engine.connect():
        pass
    assert engine.pool.checkedin() == 1
    await run_cleanups()
    assert engine.pool.checkedin() == 0
    assert engines.get() is not engine


async def test_unknown_alias_names_the_known_ones(databases: dict[str, str]) -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        engines.get("analytic")
    assert str(caught.value) == (
        "The database alias 'analytic' is not in DATABASES (known: 'default', 'analytics'). "
        "Did you mean 'analytics'?"
    )


def test_engines_need_a_running_loop(databases: dict[str, str]) -> None:
    with pytest.raises(RuntimeError) as caught:
        engines.get()
    assert str(caught.value) == (
        "Database engines are async: use them from 'async def' code "
        "(commands may be async; scripts can call asyncio.run())."
    )


def test_importing_the_database_layer_does_no_io(tmp_path: object) -> None:
    code = (
        "import os, framework.db, framework.migrations;"
        "from framework.db import engines;"
        "assert not os.listdir('.'), os.listdir('.');"
        "assert not engines._loops"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=str(tmp_path), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_lone_reads_skip_begin_but_transactions_and_writes_do_not(
    migrated: dict[str, str], models
) -> None:
    from sqlalchemy import event

    from framework.db import session, transaction

    statements: list[str] = []
    engine = engines.get().sync_engine

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement.split()[0])

    event.listen(engine, "before_cursor_execute", record)
    try:
        async with session():
            await models.Post.all()
            assert statements == ["SELECT"]
            statements.clear()
            await models.Post.create(title="written")
            assert statements == ["BEGIN", "INSERT"]
            statements.clear()
            async with transaction():
                await models.Post.query().count()
            assert statements == ["BEGIN", "SELECT"]
            statements.clear()
            pending = models.Post(title="pending")
            from framework.db import current_session

            current_session().add(pending)
            await models.Post.all()  # autoflush writes: the read is not lone any more
            assert statements == ["BEGIN", "INSERT", "SELECT"]
    finally:
        event.remove(engine, "before_cursor_execute", record)


@contextmanager
def begins_sent(engine: Any) -> Iterator[list[str]]:
    """Collect the ``BEGIN`` statements *engine* sends while the block runs."""
    from sqlalchemy import event

    begins: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith("BEGIN"):
            begins.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield begins
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_sessions_begin_immediate_and_core_connections_deferred(
    migrated: dict[str, str], models
) -> None:
    from framework.db import request_scope, session, transaction

    with begins_sent(engines.get().sync_engine) as begins:
        async with session():
            await models.Post.create(title="autocommit write")
            async with transaction():
                await models.Post.query().count()
        async with request_scope(atomic=True):
            await models.Post.find(title="read, then write")  # waits for the lock, not fails
        async with engines.get().connect() as connection:
            await connection.execute(text("SELECT 1"))
    assert begins == ["BEGIN IMMEDIATE", "BEGIN IMMEDIATE", "BEGIN IMMEDIATE", "BEGIN"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_transaction_mode_comes_from_the_options(migrated: dict[str, str], models) -> None:
    from framework.db import session

    entry = {"URL": migrated["default"], "OPTIONS": {"transaction_mode": "EXCLUSIVE"}}
    with (
        settings.override(DATABASES={**migrated, "default": entry}),
        begins_sent(engines.get().sync_engine) as begins,  # the engine of the new setting
    ):
        async with session():
            await models.Post.create(title="exclusive")
    assert begins == ["BEGIN EXCLUSIVE"]
