"""Real ``manage.py worker`` processes on a real PostgreSQL: the durable backend's promises.

A job enqueued by a request runs on a worker; a rolled-back request leaves no job; a job
whose worker is killed with ``kill -9`` completes on another; two workers enqueue one job
per periodic tick; a worker survives PostgreSQL being restarted under it; SIGTERM drains.
Every wait is on a row, a job's state or a log line, with a generous deadline.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from framework import db
from framework.conf import settings
from framework.db import engines
from framework.tasks import TaskStatus
from tests.e2e.conftest import clean_environ
from tests.support.databases import (
    acquire_postgres_database,
    postgres_url,
    release_postgres_database,
)
from tests.support.taskproject import (
    backend_settings,
    load_taskproject,
    wait_finished,
)

PROJECT = Path(__file__).resolve().parents[1] / "fixtures" / "taskproject"
REPO = PROJECT.parents[2]
TABLES = (
    "procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs, "
    "procrastinate_workers, tasks_result, tasks_schedule_pause, jobsite_run, "
    "jobsite_release, jobsite_signup"
)

pytestmark = pytest.mark.postgres


def manage(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py ARGS`` of the task project on *url* and return the finished process."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=clean_environ(DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def jobs_database() -> Iterator[str]:
    """A PostgreSQL database migrated with ``manage.py db-upgrade`` (the only setup step)."""
    name = acquire_postgres_database()
    url = postgres_url(name)
    upgraded = manage(url, "db-upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    yield url
    release_postgres_database(name)


class Worker:
    """A ``manage.py worker`` subprocess whose output goes to a log file."""

    def __init__(self, url: str, log: Path, *args: str, **env: str) -> None:
        self.log = log
        with log.open("w") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "worker", *args],
                cwd=PROJECT,
                env=clean_environ(DATABASE_URL=url, TASK_HEARTBEAT="1", **env),
                stdout=sink,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text()

    async def wait_for_log(self, line: str, count: int = 1, timeout: float = 60.0) -> None:
        """Wait until *line* appears *count* times in the log."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.output().count(line) < count:
            if self.process.poll() is not None or loop.time() > deadline:
                raise AssertionError(
                    f"{line!r} not logged {count}x (exit {self.process.poll()}):\n{self.output()}"
                )
            await asyncio.sleep(0.05)

    async def wait_exit(self, timeout: float = 60.0) -> int:
        """Wait for the process to end and return its exit status."""
        return await asyncio.to_thread(self.process.wait, timeout)

    def stop(self) -> None:
        """End the process (its whole group) if it still runs."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@contextmanager
def workers(url: str, tmp_path: Path) -> Iterator[Any]:
    """Yield a function starting workers on *url*; every one is stopped at the end."""
    started: list[Worker] = []

    def start(*args: str, **env: str) -> Worker:
        worker = Worker(url, tmp_path / f"worker-{len(started)}.log", *args, **env)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


@asynccontextmanager
async def project(url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """Use the task project on *url* in this process (to enqueue and to look at rows)."""
    load_taskproject(monkeypatch)
    with settings.override(DATABASES={"default": url}, TASKS=backend_settings("procrastinate")):
        try:
            yield
        finally:
            async with engines.get().begin() as connection:
                await connection.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
            from framework.runtime import run_cleanups

            await run_cleanups()


async def scalar(sql: str, **params: Any) -> Any:
    async with engines.get().connect() as connection:
        return (await connection.execute(text(sql), params)).scalar()


async def wait_row(sql: str, timeout: float = 60.0, **params: Any) -> Any:
    """Wait until *sql* returns a non-null value; return it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (value := await scalar(sql, **params)) is None:
        if loop.time() > deadline:
            raise AssertionError(f"no row for {sql!r} {params} in {timeout}s")
        await asyncio.sleep(0.05)
    return value


RUN_PID = "SELECT pid FROM jobsite_run WHERE label = :label AND phase = :phase"


async def test_a_job_enqueued_by_a_request_runs_on_a_worker(
    jobs_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from framework.testing import AsyncClient
    from framework.web import get_asgi_application

    async with project(jobs_database, monkeypatch):
        with workers(jobs_database, tmp_path) as start:
            worker = start("--queues", "emails,default", "--concurrency", "2")
            async with AsyncClient(get_asgi_application()) as client:
                answer = await client.post("/signups/", json={"email": "a@example.com"})
                assert answer.status_code == 200, answer.text
                body = answer.json()
            label = f"welcome:{body['signup']}"
            assert await wait_row(RUN_PID, label=label, phase="finished") == worker.pid
            from tests.fixtures.taskproject.jobsite.tasks import welcome

            result = await wait_finished(await welcome.aget_result(body["job"]))
            assert (result.status, result.return_value) == (TaskStatus.SUCCEEDED, body["signup"])


async def test_a_rolled_back_request_leaves_no_job(
    jobs_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from framework.testing import AsyncClient
    from framework.web import get_asgi_application

    async with project(jobs_database, monkeypatch):
        with workers(jobs_database, tmp_path) as start:
            start("--concurrency", "2")
            async with AsyncClient(get_asgi_application()) as client:
                refused = await client.post("/signups/", json={"email": "b@x.org", "fail": True})
                assert refused.status_code == 409
                kept = await client.post("/signups/", json={"email": "c@x.org"})
                assert kept.status_code == 200
            kept_label = f"welcome:{kept.json()['signup']}"
            await wait_row(RUN_PID, label=kept_label, phase="finished")
        assert await scalar("SELECT count(*) FROM procrastinate_jobs") == 1
        assert await scalar("SELECT count(*) FROM jobsite_signup") == 1
        assert await scalar("SELECT count(*) FROM jobsite_run") == 1


async def test_a_job_whose_worker_is_killed_completes_on_another(
    jobs_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fixtures.taskproject.jobsite.tasks import hold

    async with project(jobs_database, monkeypatch):
        with workers(jobs_database, tmp_path) as start:
            first = start()
            result = await hold.aenqueue("killed")
            assert await wait_row(RUN_PID, label="killed", phase="started") == first.pid
            os.killpg(first.pid, signal.SIGKILL)  # mid-job: no clean-up, no heartbeat
            first.process.wait()
            second = start()
            await second.wait_for_log("was running on a worker that stopped answering")
            async with db.session():
                from tests.fixtures.taskproject.jobsite.models import Release

                await Release.create(label="killed")
            assert await wait_row(RUN_PID, label="killed", phase="finished") == second.pid
            await wait_finished(result)
    assert (result.status, result.attempts, result.return_value) == (
        TaskStatus.SUCCEEDED,
        2,
        "killed",
    )


async def test_two_workers_run_one_job_per_periodic_tick(
    jobs_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ticks = "SELECT count(*) FROM procrastinate_jobs WHERE task_name LIKE '%.tick'"
    async with project(jobs_database, monkeypatch):
        with workers(jobs_database, tmp_path) as start:
            every_second = {"TICK_CRON": "* * * * * *"}
            pair = [start(**every_second), start(**every_second)]
            for worker in pair:
                await worker.wait_for_log("already enqueued", count=2)
            await wait_row(f"SELECT 1 WHERE ({ticks}) >= 4")
        per_tick = await scalar(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM procrastinate_jobs "
            "WHERE task_name LIKE '%.tick' GROUP BY args->>'timestamp') AS counts"
        )
        assert per_tick == 1
        runs = await scalar("SELECT count(*) FROM jobsite_run WHERE label = 'tick'")
        done = await scalar(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name LIKE '%.tick' "
            "AND status = 'succeeded'"
        )
        assert runs == done >= 3


async def test_sigterm_finishes_the_running_job_and_takes_no_new_one(
    jobs_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fixtures.taskproject.jobsite.models import Release
    from tests.fixtures.taskproject.jobsite.tasks import hold, record

    async with project(jobs_database, monkeypatch):
        with workers(jobs_database, tmp_path) as start:
            worker = start()
            running = await hold.aenqueue("draining")
            await wait_row(RUN_PID, label="draining", phase="started")
            worker.process.send_signal(signal.SIGTERM)
            await worker.wait_for_log("Received SIGTERM")
            late = await record.aenqueue("too late")
            async with db.session():
                await Release.create(label="draining")
            assert await worker.wait_exit() == 0, worker.output()
        await running.arefresh()
        await late.arefresh()
        assert running.status is TaskStatus.SUCCEEDED
        assert late.status is TaskStatus.QUEUED


async def test_a_worker_survives_postgres_restarting_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.support.databases import _pgcluster

    cluster = _pgcluster().start_cluster()
    try:
        url = cluster.url.rsplit("/", 1)[0] + "/tasks"
        created = subprocess.run(
            [
                str(cluster.bindir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.port),
                "-U",
                "postgres",
                "tasks",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert created.returncode == 0, created.stderr
        assert manage(url, "db-upgrade").returncode == 0
        from tests.fixtures.taskproject.jobsite.tasks import record

        async with project(url, monkeypatch):
            with workers(url, tmp_path) as start:
                worker = start()
                before = await wait_finished(await record.aenqueue("before"))
                assert before.status is TaskStatus.SUCCEEDED
                await engines.dispose()
                await asyncio.to_thread(cluster.stop_server)
                await worker.wait_for_log("Database unavailable")
                await asyncio.to_thread(cluster.start_server)
                await worker.wait_for_log("Connected to the database", count=2)
                after = await wait_finished(await record.aenqueue("after"))
                assert after.status is TaskStatus.SUCCEEDED
                assert worker.process.poll() is None
    finally:
        cluster.stop()


async def test_without_db_upgrade_the_worker_and_enqueue_say_what_to_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from framework.exceptions import ImproperlyConfigured
    from tests.fixtures.taskproject.jobsite.tasks import record

    name = await asyncio.to_thread(acquire_postgres_database)
    url = postgres_url(name)
    try:
        result = await asyncio.to_thread(manage, url, "worker")
        assert result.returncode == 1
        assert result.stderr.strip().splitlines()[-1] == (
            "Error: The job tables are missing from the database 'default': run manage.py "
            "db-upgrade (the framework.contrib.tasks app's migrations create them)."
        )
        load_taskproject(monkeypatch)
        with settings.override(DATABASES={"default": url}, TASKS=backend_settings("procrastinate")):
            with pytest.raises(ImproperlyConfigured, match=r"run manage.py db-upgrade"):
                await record.aenqueue("nowhere")
            await engines.dispose()
    finally:
        await asyncio.to_thread(release_postgres_database, name)
