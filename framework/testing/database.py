"""Database fixtures for pytest: a test database built from migrations, each test rolled back.

``db_setup`` (session) points every ``DATABASES`` alias at a throwaway test database (a
temporary SQLite file, or ``test_<name>`` on the PostgreSQL server), applies every app's
migrations once, and drops the databases at the end. ``db`` (per test) opens one
transaction per alias, gives the test an active session inside it, and rolls everything back
afterwards: commits made by the code under test become savepoints, so tests never see each
other's rows::

    async def test_create(db):
        post = await Post.create(title="Hello")
        assert await Post.query().count() == 1
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

__all__ = [
    "create_test_databases",
    "db",
    "db_setup",
    "drop_test_databases",
    "migrate_databases",
    "rollback_scope",
    "test_database_urls",
]


def test_database_urls(folder: Path) -> dict[str, str]:
    """Return ``DATABASES`` for tests: SQLite files in *folder*, ``test_<name>`` on PostgreSQL."""
    from framework.db import engines

    urls: dict[str, str] = {}
    for alias, config in engines.configs().items():
        if config.is_sqlite:
            url = config.url.set(database=str(folder / f"test_{alias}.sqlite3"))
        else:
            url = config.url.set(database=f"test_{config.url.database or alias}")
        urls[alias] = url.render_as_string(hide_password=False)
    return urls


def _server_url(url: URL) -> URL:
    return url.set(database="postgres")


async def _on_servers(urls: Mapping[str, str], statements: Callable[[str], list[str]]) -> None:
    """Run *statements(database)* on the server of each PostgreSQL database of *urls*."""
    for url in map(_url, urls.values()):
        if url.get_backend_name() != "postgresql":
            continue
        engine = create_async_engine(_server_url(url), isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as connection:
                for statement in statements(str(url.database)):
                    await connection.execute(text(statement))
        finally:
            await engine.dispose()


async def create_test_databases(urls: Mapping[str, str]) -> None:
    """Create (afresh) the PostgreSQL databases of *urls*; SQLite files need nothing."""
    await _on_servers(
        urls, lambda name: [f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"']
    )


async def drop_test_databases(urls: Mapping[str, str]) -> None:
    """Drop the PostgreSQL databases of *urls* (closing their connections first)."""
    await _on_servers(urls, lambda name: [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


def _url(raw: str) -> URL:
    from sqlalchemy.engine import make_url

    return make_url(raw)


async def migrate_databases() -> None:
    """Apply every migration; create the tables of apps without migrations directly."""
    from framework.db import engines
    from framework.db.models import database_alias, metadata
    from framework.migrations import database_aliases, load_scripts, upgrade
    from framework.migrations.locations import app_models

    for alias in database_aliases():
        await upgrade(alias)
        scripts = load_scripts(alias)
        unmigrated = [
            model.__table__
            for entry in scripts.entries
            if not entry.revision_files()
            for model in app_models(entry.label)
            if database_alias(model) == alias  # a model lives on its own alias only
        ]
        if unmigrated:
            async with engines.get(alias).begin() as connection:
                await connection.run_sync(metadata.create_all, tables=unmigrated)


@asynccontextmanager
async def rollback_scope() -> AsyncIterator[AsyncSession]:
    """Yield an active session whose work (commits included) is rolled back at the end."""
    from framework.db import engines
    from framework.db.sessions import SessionScope, activate_scope, bind_connections

    async with AsyncExitStack() as stack:
        connections = {}
        for alias in engines.aliases():
            connection = await stack.enter_async_context(engines.get(alias).connect())
            transaction = await connection.begin()
            stack.push_async_callback(transaction.rollback)
            connections[alias] = connection
        with bind_connections(connections):
            scope = SessionScope()
            previous = activate_scope(scope)
            try:
                yield scope.session
            finally:
                activate_scope(previous)
                await scope.finish(None)


def _run(function: Callable[..., Awaitable[None]], *args: Any) -> None:
    """Run *function* in a new event loop and close what it opened before the loop ends."""
    from framework.runtime import run_cleanups

    async def main() -> None:
        try:
            await function(*args)
        finally:
            await run_cleanups()

    asyncio.run(main())


@pytest.fixture(scope="session")
def db_setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Build the test databases from migrations once per session; yield their URLs."""
    from framework.conf import settings

    folder = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp(), prefix="databases-"))
    urls = test_database_urls(folder)
    _run(create_test_databases, urls)
    try:
        with settings.override(DATABASES=urls):
            _run(migrate_databases)
            yield urls
    finally:
        _run(drop_test_databases, urls)


@pytest.fixture
async def db(db_setup: dict[str, str]) -> AsyncIterator[AsyncSession]:
    """Give the test an active session on the test databases, rolled back afterwards."""
    from framework.conf import settings
    from framework.runtime import run_cleanups

    with settings.override(DATABASES=db_setup):
        try:
            async with rollback_scope() as session:
                yield session
        finally:
            await run_cleanups()
