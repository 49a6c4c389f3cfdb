"""Real databases for the tests: SQLite files, and databases on a private PostgreSQL server.

The server comes from ``FRAMEWORK_TEST_POSTGRES_URL`` (``make pytest`` starts one with
``scripts/pgcluster.py``) or is started here on first use and stopped when the tests end.
Creating a PostgreSQL database takes ~150 ms, so databases are pooled: a released database is
emptied (its ``public`` schema dropped and recreated) and handed to the next test.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.util
import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg

REPO = Path(__file__).resolve().parents[2]
BACKENDS = ("sqlite", "postgres")
ALIASES = ("default", "analytics")
PROJECT_SETTINGS = "tests.fixtures.dbproject.settings"
PROJECT_DIR = REPO / "tests" / "fixtures" / "dbproject"
#: Where the reusable app lives, as if installed from a package (outside the project).
REUSABLE_DIR = REPO / "tests" / "fixtures" / "reusable_notes"

if str(REUSABLE_DIR) not in sys.path:
    sys.path.insert(0, str(REUSABLE_DIR))

_server_url: str | None = None
_server_log: str | None = None
#: Set when the tests failed: a server started here then keeps its folder and prints its log.
keep_server_files = False
_names = itertools.count(1)
_free: list[str] = []
_scratch = Path(tempfile.mkdtemp(prefix="framework-tests-"))
atexit.register(shutil.rmtree, _scratch, True)


def _pgcluster() -> ModuleType:
    spec = importlib.util.spec_from_file_location("pgcluster", REPO / "scripts" / "pgcluster.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pgcluster"] = module
    spec.loader.exec_module(module)
    return module


def postgres_server_url() -> str:
    """Return the URL of the test server (database ``postgres``), starting one if needed."""
    global _server_url, _server_log
    if _server_url is None:
        pgcluster = _pgcluster()
        url = os.environ.get(pgcluster.ENVIRONMENT_VARIABLE)
        _server_log = os.environ.get(pgcluster.LOG_VARIABLE)
        if not url:
            cluster = pgcluster.start_cluster()
            atexit.register(lambda: cluster.stop(keep=keep_server_files))
            url, _server_log = cluster.url, str(cluster.log)
        _server_url = url
    return _server_url


def postgres_server_in_use() -> tuple[str, str | None] | None:
    """Return the test server's URL and log file, if this run has used or been given one."""
    if _server_url is not None:
        return _server_url, _server_log
    pgcluster = _pgcluster()
    url = os.environ.get(pgcluster.ENVIRONMENT_VARIABLE)
    return (url, os.environ.get(pgcluster.LOG_VARIABLE)) if url else None


def _dsn(database: str) -> str:
    base = postgres_server_url().replace("postgresql+asyncpg://", "postgresql://")
    return base.rsplit("/", 1)[0] + f"/{database}"


def private_postgres_cluster() -> Any:
    """Start a PostgreSQL server of the caller's own (``.url``, ``.restart()``, ``.stop()``)."""
    return _pgcluster().start_cluster()


def postgres_url(database: str) -> str:
    """Return the SQLAlchemy URL of *database* on the test server."""
    return postgres_server_url().rsplit("/", 1)[0] + f"/{database}"


async def _execute(database: str, *statements: str) -> None:
    connection = await asyncpg.connect(_dsn(database))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def _run(coroutine: object) -> None:
    asyncio.run(coroutine)  # type: ignore[arg-type]


def acquire_postgres_database() -> str:
    """Return the name of an empty database on the test server."""
    if _free:
        return _free.pop()
    name = f"fwtest_{os.getpid()}_{next(_names)}"
    _run(_execute("postgres", f'CREATE DATABASE "{name}"'))
    return name


def release_postgres_database(name: str) -> None:
    """Empty *name* (closing whatever still uses it) and put it back in the pool."""
    _run(
        _execute(
            "postgres",
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
        )
    )
    _run(_execute(name, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public"))
    _free.append(name)


def sqlite_urls(folder: Path) -> dict[str, str]:
    """Return a SQLite file URL per alias, in *folder*."""
    return {alias: f"sqlite+aiosqlite:///{folder / f'{alias}.sqlite3'}" for alias in ALIASES}


def scratch_folder() -> Path:
    """Return a new folder that is removed when the tests end."""
    return Path(tempfile.mkdtemp(dir=_scratch))


@contextmanager
def empty_database(backend: str, sqlite_name: str) -> Iterator[str]:
    """Yield the URL of an empty database on *backend* (a scratch SQLite file, or a private
    PostgreSQL database, released afterwards)."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{scratch_folder() / sqlite_name}"
        return
    name = acquire_postgres_database()
    try:
        yield postgres_url(name)
    finally:
        release_postgres_database(name)
