"""One suite for every built-in backend: what a job does, whatever runs it.

``immediate`` and ``inprocess`` run on SQLite in this process; ``procrastinate`` runs on
PostgreSQL with its worker in the test's event loop (the worker *processes* and their
faults are in ``tests/e2e/test_task_workers.py``). A case that cannot apply to a backend
says why where it is skipped from the parametrisation.
"""

from __future__ import annotations

import datetime as dt

import pytest

from framework import db
from framework.db import transaction
from framework.tasks import ResultNotFound, TaskArgumentsError, TaskStatus
from tests.fixtures.taskproject.jobsite import tasks as jobs
from tests.support.taskproject import (
    TaskDatabase,
    in_process_worker,
    wait_finished,
    wait_rows,
)

pytestmark = pytest.mark.usefixtures("taskproject")


async def test_a_job_runs_and_returns_its_value(task_database: TaskDatabase) -> None:
    async with in_process_worker():
        result = await jobs.record.aenqueue("hello")
        assert result.task_name == "tests.fixtures.taskproject.jobsite.tasks.record"
        assert (result.args, result.kwargs) == (["hello"], {})
        await wait_finished(result)
    assert result.status is TaskStatus.SUCCEEDED
    assert result.return_value == "hello"
    assert result.attempts == 1
    assert [run.phase for run in await task_database.runs("hello")] == ["finished"]
    looked_up = await jobs.record.aget_result(result.id)
    assert (looked_up.status, looked_up.return_value) == (TaskStatus.SUCCEEDED, "hello")


async def test_a_plain_function_runs_in_a_thread(task_database: TaskDatabase) -> None:
    async with in_process_worker():
        result = await wait_finished(await jobs.plain.aenqueue(2, b=3))
    assert (result.status, result.return_value) == (TaskStatus.SUCCEEDED, 5)


async def test_arguments_that_json_cannot_carry_are_refused(task_database: TaskDatabase) -> None:
    with pytest.raises(TaskArgumentsError) as caught:
        await jobs.record.aenqueue(dt.date(2026, 1, 1))
    assert str(caught.value) == (
        "Task 'tests.fixtures.taskproject.jobsite.tasks.record': positional argument 0 is a "
        "datetime.date, which JSON cannot carry; pass JSON values (str, int, float, bool, "
        "None, list, dict with str keys), e.g. an id."
    )
    with pytest.raises(TaskArgumentsError, match=r"argument 'b' is a tuple"):
        await jobs.plain.aenqueue(1, b=(1, 2))
    with pytest.raises(TaskArgumentsError, match=r"missing a required argument: 'b'"):
        await jobs.plain.aenqueue(1)
    assert await task_database.runs() == []


async def test_failed_attempts_are_retried(task_database: TaskDatabase) -> None:
    async with in_process_worker():
        result = await wait_finished(await jobs.flaky.aenqueue("flaky"))
    assert (result.status, result.return_value, result.attempts) == (TaskStatus.SUCCEEDED, 3, 3)
    assert len(await task_database.runs("flaky")) == 3


async def test_a_job_fails_for_good_after_its_retries(task_database: TaskDatabase) -> None:
    async with in_process_worker():
        result = await wait_finished(await jobs.always_fails.aenqueue("doomed"))
    assert (result.status, result.attempts, result.error) == (
        TaskStatus.FAILED,
        2,
        "RuntimeError: boom",
    )
    with pytest.raises(ValueError, match=r"has no return value: its status is 'failed'"):
        result.return_value  # noqa: B018


async def test_an_attempt_over_the_timeout_fails(task_database: TaskDatabase) -> None:
    async with in_process_worker():
        result = await wait_finished(await jobs.too_slow.aenqueue())
    assert result.status is TaskStatus.FAILED
    assert result.error == (
        "TaskTimeout: Task 'tests.fixtures.taskproject.jobsite.tasks.too_slow' ran longer "
        "than its timeout (0.2 s)."
    )


async def test_a_return_value_json_cannot_carry_fails_without_retry(
    task_database: TaskDatabase,
) -> None:
    async with in_process_worker():
        result = await wait_finished(await jobs.bad_return.aenqueue())
    assert (result.status, result.attempts) == (TaskStatus.FAILED, 1)
    assert result.error is not None and result.error.startswith(
        "TaskReturnError: Task 'tests.fixtures.taskproject.jobsite.tasks.bad_return': the "
        "return value is a object"
    )


async def test_a_rolled_back_transaction_leaves_no_job(task_database: TaskDatabase) -> None:
    async with in_process_worker():
        async with db.session():
            with pytest.raises(LookupError):
                async with transaction():
                    rolled_back = await jobs.record.aenqueue("rolled back")
                    raise LookupError
            async with transaction():
                committed = await jobs.record.aenqueue("committed")
        await wait_finished(committed)
    assert committed.status is TaskStatus.SUCCEEDED
    with pytest.raises(ResultNotFound):
        await jobs.record.aget_result(rolled_back.id)
    assert await task_database.runs("rolled back") == []


async def test_a_job_waits_for_the_commit(task_database: TaskDatabase) -> None:
    async with in_process_worker(), db.session():
        async with transaction():
            result = await jobs.record.aenqueue("after commit")
            await jobs.Run.create(label="data", phase="written")
            assert await task_database.runs("after commit") == []  # not run yet
        await wait_finished(result)
    assert result.status is TaskStatus.SUCCEEDED


async def test_an_unknown_job_id_is_not_found(task_database: TaskDatabase) -> None:
    with pytest.raises(ResultNotFound):
        await jobs.record.aget_result("424242")


@pytest.mark.parametrize("backend_name", ["inprocess", "procrastinate"])  # immediate: no clock
async def test_run_after_delays_the_job(task_database: TaskDatabase) -> None:
    async with in_process_worker():
        start = dt.datetime.now(dt.UTC)
        result = await jobs.record.using(run_after=dt.timedelta(seconds=1.5)).aenqueue("later")
        assert result.run_after is not None and result.run_after >= start
        await result.arefresh()
        assert result.status is TaskStatus.QUEUED
        await wait_finished(result)
    assert dt.datetime.now(dt.UTC) >= result.run_after


@pytest.mark.parametrize("backend_name", ["inprocess", "procrastinate"])  # immediate: no queue
async def test_higher_priority_runs_first(task_database: TaskDatabase) -> None:
    async with in_process_worker(concurrency=1):
        blocker = await jobs.hold.aenqueue("blocker")
        await wait_rows(task_database, "blocker", 1)  # the only slot is taken
        low = await jobs.record.using(priority=0).aenqueue("low")
        high = await jobs.record.using(priority=10).aenqueue("high")
        await task_database.release("blocker")
        for result in (blocker, low, high):
            await wait_finished(result)
    runs = [run.label for run in await task_database.runs() if run.phase == "finished"]
    assert runs == ["blocker", "high", "low"]


async def test_using_changes_the_queue(task_database: TaskDatabase) -> None:
    async with in_process_worker():
        result = await jobs.record.using(queue="urgent").aenqueue("queued")
        assert result.queue == "urgent"
        await wait_finished(result)
    assert result.queue == "urgent"
    assert jobs.welcome.queue == "emails"
