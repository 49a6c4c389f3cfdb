"""Fixtures of the database and migration tests: the test project and its databases.

Every database test takes ``backend`` (directly or through ``databases``/``migrated``/``db``),
so it runs once on SQLite and once on PostgreSQL. Import them in a ``conftest.py`` with
``from tests.support.fixtures import *``.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Iterator
from types import ModuleType, SimpleNamespace

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.support.databases import (
    ALIASES,
    BACKENDS,
    PROJECT_SETTINGS,
    acquire_postgres_database,
    postgres_url,
    release_postgres_database,
    scratch_folder,
    sqlite_urls,
)
from tests.support.projects import load_project

__all__ = [
    "backend",
    "close_engines",
    "database_urls",
    "databases",
    "db",
    "dbproject",
    "migrated",
    "models",
    "shared_migrated",
]

_shared: dict[str, dict[str, str]] = {}


# The project's modules, kept across tests: the shared conftest forgets fixture modules after
# each test, but model classes must not be defined twice in the one metadata.
_project_modules: dict[str, ModuleType] = {}


@pytest.fixture
def dbproject(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load the test project (``tests/fixtures/dbproject``) for the test."""
    load_project(
        monkeypatch,
        PROJECT_SETTINGS,
        _project_modules,
        ("tests.fixtures.dbproject.", "notes."),
    )
    for name in ("tests.fixtures", "notes"):  # the packages themselves
        if name in sys.modules:
            _project_modules[name] = sys.modules[name]


@pytest.fixture
def models(dbproject: None) -> SimpleNamespace:
    """Return the test project's model classes (importable only once the project is loaded)."""
    from tests.fixtures.dbproject.blog.models import Post, Visit
    from tests.fixtures.dbproject.catalog.models import Category, Product
    from tests.fixtures.dbproject.faulty.models import LogEntry
    from tests.fixtures.dbproject.metrics.models import Event
    from tests.fixtures.dbproject.shop.models import Order

    return SimpleNamespace(
        Category=Category,
        Event=Event,
        LogEntry=LogEntry,
        Order=Order,
        Post=Post,
        Product=Product,
        Visit=Visit,
    )


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Run the test on each backend: ``"sqlite"`` and ``"postgres"``."""
    return str(request.param)


def _fresh_urls(backend: str) -> tuple[dict[str, str], list[str]]:
    if backend == "sqlite":
        return sqlite_urls(scratch_folder()), []
    names = [acquire_postgres_database() for _ in ALIASES]
    return {alias: postgres_url(name) for alias, name in zip(ALIASES, names, strict=True)}, names


@pytest.fixture
def database_urls(backend: str) -> Iterator[dict[str, str]]:
    """Return empty databases (one per alias of the test project) on *backend*."""
    urls, names = _fresh_urls(backend)
    try:
        yield urls
    finally:
        for name in names:
            release_postgres_database(name)


@pytest.fixture
def databases(dbproject: None, database_urls: dict[str, str]) -> Iterator[dict[str, str]]:
    """Point the test project's ``DATABASES`` at empty databases for the test."""
    from framework.conf import settings

    with settings.override(DATABASES=database_urls):
        yield database_urls


@pytest.fixture
def migrated(databases: dict[str, str]) -> dict[str, str]:
    """Return the test's databases with every migration applied."""
    from framework.cli.runtime import run_async
    from framework.testing.database import migrate_databases

    run_async(migrate_databases)
    return databases


@pytest.fixture
def shared_migrated(dbproject: None, backend: str) -> Iterator[dict[str, str]]:
    """Point ``DATABASES`` at databases migrated once per backend (for rolled-back tests)."""
    from framework.cli.runtime import run_async
    from framework.conf import settings
    from framework.testing.database import migrate_databases

    if backend not in _shared:
        urls, _ = _fresh_urls(backend)
        with settings.override(DATABASES=urls):
            run_async(migrate_databases)
        _shared[backend] = urls
    with settings.override(DATABASES=_shared[backend]):
        yield _shared[backend]


@pytest.fixture
async def db(shared_migrated: dict[str, str]) -> AsyncIterator[AsyncSession]:
    """Give the test an active session whose work is rolled back afterwards."""
    from framework.testing.database import rollback_scope

    async with rollback_scope() as session:
        yield session


@pytest.fixture(autouse=True)
async def close_engines() -> AsyncIterator[None]:
    """Dispose the engines a test opened, in its own event loop."""
    from framework.runtime import run_cleanups

    yield
    await run_cleanups()
