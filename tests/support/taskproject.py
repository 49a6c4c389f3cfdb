"""The task test project (``tests/fixtures/taskproject``): loading, databases, waiting.

Databases are migrated once per test session (a SQLite file for the in-memory backends,
a PostgreSQL database for ``procrastinate``) and emptied after each test. Waiting is done
on rows and job states, with generous deadlines, never on a fixed delay.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest

from tests.support.databases import acquire_postgres_database, postgres_url, scratch_folder
from tests.support.projects import load_project

PROJECT_SETTINGS = "tests.fixtures.taskproject.settings"
_modules: dict[str, ModuleType] = {}
_migrated: dict[str, str] = {}

_PG_TABLES = (
    "procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, "
    "procrastinate_workers, tasks_result, tasks_schedule_pause, jobsite_run, "
    "jobsite_release, jobsite_signup"
)


def load_taskproject(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load the project's settings, apps, models and tasks for one test."""
    load_project(monkeypatch, PROJECT_SETTINGS, _modules, ("tests.fixtures.taskproject",))
    from tests.fixtures.taskproject.jobsite import tasks  # noqa: F401  (registers the tasks)

    _modules.update(
        (name, module)
        for name, module in sys.modules.items()
        if name.startswith("tests.fixtures.taskproject")
    )


def backend_settings(backend_name: str) -> dict[str, Any]:
    """Return ``TASKS`` with *backend_name* as the default backend."""
    options: dict[str, Any] = {
        "procrastinate": {"heartbeat": 1.0},
        "inprocess": {"concurrency": 1},  # one slot: priorities decide the order
    }.get(backend_name, {})
    return {"default": {"BACKEND": backend_name, "OPTIONS": options}}


async def database_url(kind: str) -> str:
    from framework.conf import settings
    from framework.testing.database import migrate_databases

    if kind not in _migrated:
        if kind == "postgres":
            name = await asyncio.to_thread(acquire_postgres_database)
            url = postgres_url(name)
        else:
            url = f"sqlite+aiosqlite:///{scratch_folder() / 'tasks.sqlite3'}"
        with settings.override(DATABASES={"default": url}):
            await migrate_databases()
        _migrated[kind] = url
    return _migrated[kind]


@dataclass
class TaskDatabase:
    """A migrated database the project uses for one test, with the backend chosen."""

    url: str
    backend_name: str

    @property
    def durable(self) -> bool:
        return self.backend_name == "procrastinate"

    async def runs(self, label: str | None = None) -> list[Any]:
        """Return the ``Run`` rows (of *label*), oldest first."""
        from framework import db
        from tests.fixtures.taskproject.jobsite.models import Run

        async with db.session():
            query = Run.query() if label is None else Run.filter_by(label=label)
            return list(await query.order_by(Run.id).all())

    async def release(self, label: str) -> None:
        """Let the ``hold`` job of *label* finish."""
        from framework import db
        from tests.fixtures.taskproject.jobsite.models import Release

        async with db.session():
            await Release.create(label=label)


@asynccontextmanager
async def migrated_task_database(backend_name: str) -> AsyncIterator[TaskDatabase]:
    """Use a migrated database and *backend_name* for the block; empty the tables after."""
    from framework.conf import settings
    from framework.runtime import run_cleanups

    kind = "postgres" if backend_name == "procrastinate" else "sqlite"
    url = await database_url(kind)
    with settings.override(DATABASES={"default": url}, TASKS=backend_settings(backend_name)):
        try:
            yield TaskDatabase(url, backend_name)
        finally:
            await run_cleanups()  # drains in-process jobs, closes engines
            await empty_database(kind, url)


async def empty_database(kind: str, url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            if kind == "postgres":
                await connection.execute(text(f"TRUNCATE {_PG_TABLES} RESTART IDENTITY CASCADE"))
            else:
                for table in ("jobsite_run", "jobsite_release", "jobsite_signup"):
                    await connection.execute(text(f"DELETE FROM {table}"))
    finally:
        await engine.dispose()


@asynccontextmanager
async def in_process_worker(concurrency: int = 4) -> AsyncIterator[None]:
    """Run the default backend's worker in this event loop for the block (durable only)."""
    from framework.tasks import task_backends
    from framework.tasks.workers import WorkerOptions

    backend = task_backends["default"]
    if not backend.durable:
        yield
        return
    options = WorkerOptions(concurrency=concurrency, periodic=False)
    runner = asyncio.create_task(backend.arun_worker(options))
    try:
        yield
    finally:
        options.stop.set()
        await asyncio.wait_for(runner, timeout=60)


async def wait_finished(result: Any, timeout: float = 60.0) -> Any:
    """Refresh *result* until its job reaches a final status; fail after *timeout*."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await result.arefresh()
        if result.finished:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"job {result.id} not finished in {timeout}s: {result!r}")
        await asyncio.sleep(0.05)


async def wait_rows(database: TaskDatabase, label: str, count: int, timeout: float = 60.0) -> list:
    """Wait until *count* ``Run`` rows of *label* exist; return them."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        rows = await database.runs(label)
        if len(rows) >= count:
            return rows
        if loop.time() > deadline:
            raise AssertionError(f"{count} run(s) of {label!r} not seen in {timeout}s: {rows}")
        await asyncio.sleep(0.05)
