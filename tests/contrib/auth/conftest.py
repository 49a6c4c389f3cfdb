"""The auth test project on a fresh, migrated database per test (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType

import pytest

from tests.support.databases import empty_database
from tests.support.fixtures import backend, close_engines
from tests.support.projects import load_project

__all__ = ["auth_db", "authproject", "backend", "close_engines", "run"]

PROJECT_SETTINGS = "tests.fixtures.authproject.settings"
_modules: dict[str, ModuleType] = {}


def run(coroutine_function, *args):
    """Run an async function in a fresh event loop (as a command would), engines closed after.

    Under Playwright's sync API a loop already runs in this thread: use a worker thread then.
    """
    from framework.cli.runtime import run_async

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run_async(coroutine_function, *args)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run_async, coroutine_function, *args).result()


@pytest.fixture
def authproject(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load the auth test project (its app modules are imported once per test session)."""
    load_project(monkeypatch, PROJECT_SETTINGS, _modules, ("tests.fixtures.authproject",))
    from tests.fixtures.authproject.authsite.controllers import NOTES

    NOTES.clear()


@pytest.fixture
def auth_db(authproject: None, backend: str) -> Iterator[str]:
    """Point DATABASES at an empty, migrated database on *backend*; return its URL."""
    from framework.conf import settings
    from framework.testing.database import migrate_databases

    with (
        empty_database(backend, "auth.sqlite3") as url,
        settings.override(DATABASES={"default": url}),
    ):
        run(migrate_databases)
        yield url
