"""The auth test project on a fresh, migrated database per test (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType

import pytest

from tests.support.databases import (
    acquire_postgres_database,
    postgres_url,
    release_postgres_database,
    scratch_folder,
)
from tests.support.fixtures import backend, close_engines

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
    import framework
    from framework.apps import apps
    from framework.conf import ENVIRONMENT_VARIABLE, settings
    from framework.migrations.locations import app_models
    from tests.fixtures.authproject.authsite.controllers import NOTES

    sys.modules.update(_modules)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, PROJECT_SETTINGS)
    settings.reset()
    apps.reset()
    framework.setup()
    # The registry forgets models on reset; hand back the ones SQLAlchemy already knows.
    for label in apps.app_configs:
        for model in app_models(label):
            apps.register_model(label, model)
    for name, module in sys.modules.items():
        if name.startswith("tests.fixtures.authproject"):
            _modules[name] = module
    NOTES.clear()


@pytest.fixture
def auth_db(authproject: None, backend: str) -> Iterator[str]:
    """Point DATABASES at an empty, migrated database on *backend*; return its URL."""
    from framework.conf import settings
    from framework.testing.database import migrate_databases

    name = None
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{scratch_folder() / 'auth.sqlite3'}"
    else:
        name = acquire_postgres_database()
        url = postgres_url(name)
    try:
        with settings.override(DATABASES={"default": url}):
            run(migrate_databases)
            yield url
    finally:
        if name is not None:
            release_postgres_database(name)
