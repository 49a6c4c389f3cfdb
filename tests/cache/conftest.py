"""Cache fixtures: one backend object per kind, on real servers, emptied for each test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from tests.support.databases import (
    acquire_postgres_database,
    postgres_url,
    release_postgres_database,
    scratch_folder,
)
from tests.support.redisserver import redis_database_url

#: Every backend kind the conformance suite runs on.
KINDS = ("locmem", "redis", "database-sqlite", "database-postgres")


def database_url(kind: str) -> tuple[str, str | None]:
    """Return a URL of an empty database for *kind* and the PostgreSQL name to release."""
    if kind == "database-postgres":
        name = acquire_postgres_database()
        return postgres_url(name), name
    return f"sqlite+aiosqlite:///{scratch_folder() / 'cache.sqlite3'}", None


def cache_settings(kind: str, url: str | None = None, **extra: Any) -> dict[str, Any]:
    """Return settings for a project whose default cache is of *kind*."""
    options: dict[str, Any] = {"BACKEND": kind.partition("-")[0], **extra}
    if kind == "redis":
        options["LOCATION"] = url or redis_database_url()
    values: dict[str, Any] = {"CACHES": {"default": options}}
    if kind.startswith("database"):
        values["INSTALLED_APPS"] = ["framework.contrib.cache"]
        values["DATABASES"] = {"default": url}
    return values


def prepare(values: dict[str, Any]) -> None:
    """Configure settings with *values*, load the apps, apply the migrations."""
    import framework
    from framework.cli.runtime import run_async
    from framework.conf import settings
    from framework.testing.database import migrate_databases

    settings.configure(SECRET_KEY="cache-tests-secret-key-0123456789abcdefghijk", **values)
    framework.setup()
    if "DATABASES" in values:
        run_async(migrate_databases)


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    """Run the test on each backend kind."""
    return str(request.param)


@pytest.fixture
def configured(kind: str) -> Iterator[str]:
    """Configure a project whose default cache is of *kind* (databases migrated)."""
    name = None
    url = None
    if kind.startswith("database"):
        url, name = database_url(kind)
    prepare(cache_settings(kind, url))
    try:
        yield kind
    finally:
        if name is not None:
            release_postgres_database(name)


@pytest.fixture
async def backend(configured: str) -> AsyncIterator[Any]:
    """Return the default cache of *kind*, closed after the test."""
    from framework.cache import caches
    from framework.runtime import run_cleanups

    cache = caches["default"]
    await cache.aclear()
    yield cache
    await run_cleanups()
