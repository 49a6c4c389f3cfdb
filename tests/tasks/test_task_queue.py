"""The ``task_queue`` fixture of ``framework.testing``: jobs held until the test runs them."""

from __future__ import annotations

import pytest

from framework import db
from framework.db import transaction
from framework.tasks import TaskArgumentsError, TaskStatus
from framework.testing import TaskQueue
from tests.fixtures.taskproject.jobsite import tasks as jobs
from tests.support.taskproject import TaskDatabase

pytestmark = pytest.mark.usefixtures("taskproject")


@pytest.fixture
def backend_name() -> str:
    """The backend the project runs on before ``task_queue`` swaps it."""
    return "inprocess"


async def test_jobs_wait_until_the_test_runs_them(
    task_database: TaskDatabase, task_queue: TaskQueue
) -> None:
    first = await jobs.record.aenqueue("first")
    await jobs.record.using(priority=5).aenqueue("urgent")
    assert [(job.args, job.status) for job in task_queue.jobs] == [
        (["urgent"], TaskStatus.QUEUED),
        (["first"], TaskStatus.QUEUED),
    ]
    assert await task_database.runs() == []
    results = await task_queue.arun()
    assert [(r.args, r.status, r.return_value) for r in results] == [
        (["urgent"], TaskStatus.SUCCEEDED, "urgent"),
        (["first"], TaskStatus.SUCCEEDED, "first"),
    ]
    assert task_queue.jobs == []
    await first.arefresh()
    assert first.status is TaskStatus.SUCCEEDED


async def test_retries_and_failures_run_to_the_end(
    task_database: TaskDatabase, task_queue: TaskQueue
) -> None:
    await jobs.flaky.aenqueue("flaky")
    await jobs.always_fails.aenqueue("doomed")
    flaky, doomed = await task_queue.arun()
    assert (flaky.status, flaky.attempts) == (TaskStatus.SUCCEEDED, 3)
    assert (doomed.status, doomed.attempts, doomed.error) == (
        TaskStatus.FAILED,
        2,
        "RuntimeError: boom",
    )


async def test_rolled_back_jobs_never_reach_the_queue(
    task_database: TaskDatabase, task_queue: TaskQueue
) -> None:
    async with db.session():
        with pytest.raises(LookupError):
            async with transaction():
                await jobs.record.aenqueue("rolled back")
                raise LookupError
    assert task_queue.jobs == []
    with pytest.raises(TaskArgumentsError):
        await jobs.record.aenqueue(object())
    assert task_queue.jobs == []


def test_sync_tests_use_run(task_queue: TaskQueue) -> None:
    """A plain task (no database): the queue runs it from a synchronous test."""
    jobs.plain.enqueue(2, 3)
    [result] = task_queue.run()
    assert result.return_value == 5
