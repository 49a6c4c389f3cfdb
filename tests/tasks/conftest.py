"""The task test project on migrated databases, and a worker running in the test's loop."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.taskproject import TaskDatabase, load_taskproject, migrated_task_database

__all__ = ["task_database", "taskproject"]


@pytest.fixture
def taskproject(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load ``tests/fixtures/taskproject`` (its tasks, models and settings) for the test."""
    load_taskproject(monkeypatch)


@pytest.fixture(params=["immediate", "inprocess", "procrastinate"])
def backend_name(request: pytest.FixtureRequest) -> str:
    """Run the test on each built-in backend."""
    return str(request.param)


@pytest.fixture
async def task_database(taskproject: None, backend_name: str) -> AsyncIterator[TaskDatabase]:
    """Point the project at a migrated database for *backend_name* and that backend."""
    async with migrated_task_database(backend_name) as database:
        yield database
