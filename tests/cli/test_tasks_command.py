"""``manage.py tasks``: list, show, retry, cancel, prune, schedule, pause, resume (``--json``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner, Result

from framework.cli.app import cli
from framework.cli.runtime import run_async
from framework.conf import settings
from tests.support.taskproject import (
    backend_settings,
    database_url,
    empty_database,
    in_process_worker,
    load_taskproject,
    wait_finished,
)

pytestmark = pytest.mark.postgres
TICK = "tests.fixtures.taskproject.jobsite.tasks.tick"


@pytest.fixture
def jobs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The task project on a migrated PostgreSQL database, emptied afterwards."""
    load_taskproject(monkeypatch)
    url = run_async(database_url, "postgres")
    monkeypatch.setenv("DATABASE_URL", url)
    settings.reset()
    try:
        with settings.override(TASKS=backend_settings("procrastinate")):
            yield
    finally:
        run_async(empty_database, "postgres", url)


def tasks(*args: str) -> Result:
    return CliRunner().invoke(cli, ["tasks", *args])


def as_json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def enqueue(name: str, *args: Any) -> str:
    from tests.fixtures.taskproject.jobsite import tasks as module

    async def go() -> str:
        return (await getattr(module, name).aenqueue(*args)).id

    return run_async(go)


def fail(label: str) -> str:
    from tests.fixtures.taskproject.jobsite.tasks import always_fails

    async def go() -> str:
        async with in_process_worker():
            result = await wait_finished(await always_fails.aenqueue(label))
        return result.id

    return run_async(go)


def test_list_and_show(jobs: None) -> None:
    first = enqueue("record", "one")
    second = enqueue("plain", 1, 2)
    listed = as_json(tasks("list", "--json"))
    assert [(job["id"], job["status"]) for job in listed] == [
        (second, "queued"),
        (first, "queued"),
    ]
    assert listed[0]["args"] == [1, 2] and listed[0]["task"].endswith(".plain")
    assert as_json(tasks("list", "--status", "failed", "--json")) == []
    assert as_json(tasks("list", "--task", listed[1]["task"], "--json"))[0]["id"] == first
    shown = as_json(tasks("show", first, "--json"))
    assert (shown["id"], shown["args"], shown["queue"]) == (first, ["one"], "default")
    table = tasks("list")
    assert table.exit_code == 0 and "queued" in table.output


def test_show_an_unknown_job_is_one_line(jobs: None) -> None:
    result = tasks("show", "999")
    assert result.exit_code == 1
    assert result.output.strip() == "Error: No job 999 in the task backend 'default'."


def test_cancel_a_queued_job(jobs: None) -> None:
    job = enqueue("record", "cancel me")
    assert as_json(tasks("cancel", job, "--json"))["status"] == "cancelled"
    again = tasks("cancel", job)
    assert again.exit_code == 1
    assert "only queued or running jobs can be cancelled" in again.output


def test_retry_a_failed_job(jobs: None) -> None:
    failed = fail("retry me")
    retried = as_json(tasks("retry", failed, "--json"))
    # Two attempts ran; Procrastinate counts the manual retry as one more.
    assert (retried["status"], retried["attempts"]) == ("queued", 3)
    refused = tasks("retry", enqueue("record", "fresh"))
    assert refused.exit_code == 1
    assert "is 'queued'; only failed jobs can be retried." in refused.output


def test_prune_finished_jobs(jobs: None) -> None:
    fail("old failure")
    enqueue("record", "still queued")
    assert as_json(tasks("prune", "--days", "0", "--json")) == {"deleted": 1}
    assert [job["status"] for job in as_json(tasks("list", "--json"))] == ["queued"]


def test_schedule_pause_and_resume(jobs: None) -> None:
    [row] = [row for row in as_json(tasks("schedule", "--json")) if row["task"] == TICK]
    assert (row["task"], row["cron"], row["paused"]) == (TICK, "0 0 1 1 *", False)
    assert row["next"].endswith("-01-01T00:00:00+00:00")
    assert as_json(tasks("pause", TICK, "--json")) == {"task": TICK, "paused": True}
    assert {row["task"]: row["paused"] for row in as_json(tasks("schedule", "--json"))}[TICK]
    assert tasks("resume", TICK).output.strip() == f"Resumed {TICK}."
    assert not {row["task"]: row["paused"] for row in as_json(tasks("schedule", "--json"))}[TICK]
    unknown = tasks("pause", TICK[:-1])
    assert unknown.exit_code == 1
    assert unknown.output.strip() == (
        f"Error: No periodic task named {TICK[:-1]!r}. Did you mean {TICK!r}?"
    )


def test_an_in_memory_backend_cannot_list_jobs(jobs: None) -> None:
    with settings.override(TASKS=backend_settings("inprocess")):
        result = tasks("list")
    assert result.exit_code == 1
    assert "keeps its jobs in the memory of the process that enqueued them" in result.output


def test_backend_picks_a_tasks_alias(jobs: None) -> None:
    result = CliRunner().invoke(cli, ["tasks", "--backend", "jobs", "list"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: The task backend 'jobs' is not in TASKS (known: 'default')."
    )
