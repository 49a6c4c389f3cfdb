"""The worker of the ``procrastinate`` backend: Procrastinate's, supervised.

One round opens a psycopg pool, registers the project's tasks with a Procrastinate app
and runs three things side by side until asked to stop or the database goes away:

* Procrastinate's ``Worker`` (fetching jobs, heartbeats every ``heartbeat`` seconds,
  LISTEN/NOTIFY for new jobs, aborts);
* the periodic schedules (``scheduler.py``), each tick handed to Procrastinate's
  ``defer_periodic_job``, which keeps one job per task and tick in the database however
  many workers ask;
* the rescuer: every heartbeat, jobs left ``doing`` by a worker silent for three
  heartbeats (killed, or cut off) are queued again, under an advisory lock so two workers
  never rescue the same job twice.

When the database goes away the round ends with a connection error; the supervisor logs
it and starts a new round after a back-off (1 s, doubling up to 30 s) instead of exiting.
SIGTERM asks Procrastinate's worker to stop fetching and waits for the running jobs.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
from typing import TYPE_CHECKING, Any, Protocol, cast

from framework.exceptions import ImproperlyConfigured
from framework.tasks.execution import describe_error, execute, should_retry
from framework.tasks.procrastinate.connector import conninfo, is_connection_error
from framework.tasks.procrastinate.jobs import RESULTS_TABLE, SCHEDULE_PAUSE_TABLE
from framework.tasks.registry import registry

if TYPE_CHECKING:
    import procrastinate

    from framework.tasks.definitions import Task
    from framework.tasks.options import WorkerOptions

__all__ = ["MissingJobTables", "ProcrastinateWorker", "WorkerBackend"]

logger = logging.getLogger("framework.tasks.worker")

#: Advisory lock key held while rescuing stalled jobs ("fwtasks" in ASCII).
_RESCUE_LOCK = 0x6677746173_6B73
_MAX_BACKOFF = 30.0

_RECORD = (
    f"INSERT INTO {RESULTS_TABLE} (job_id, return_value, error, finished_at) "
    "VALUES (%(job_id)s, %(value)s, %(error)s, now()) ON CONFLICT (job_id) DO UPDATE SET "
    "return_value = EXCLUDED.return_value, error = EXCLUDED.error, "
    "finished_at = EXCLUDED.finished_at"
)
_STALLED = (
    "SELECT job.id FROM procrastinate_jobs job "
    "LEFT JOIN procrastinate_workers w ON w.id = job.worker_id "
    "WHERE job.status = 'doing' AND (job.worker_id IS NULL OR w.last_heartbeat < "
    "now() - make_interval(secs => %(seconds)s)) FOR UPDATE OF job SKIP LOCKED"
)


class MissingJobTables(ImproperlyConfigured):
    """The database has no job tables yet: the migrations were not applied."""

    def __init__(self, alias: str) -> None:
        super().__init__(
            f"The job tables are missing from the database {alias!r}: run "
            "manage.py db-upgrade (the framework.contrib.tasks app's migrations create them)."
        )


class WorkerBackend(Protocol):
    """What the worker reads of its backend (the ``procrastinate`` backend starts it)."""

    @property
    def alias(self) -> str:
        """Return the backend's alias in ``TASKS``."""
        ...

    @property
    def database(self) -> str:
        """Return the ``DATABASES`` alias that holds the job tables."""
        ...

    @property
    def heartbeat(self) -> float:
        """Return the seconds between two heartbeats of the worker."""
        ...

    @property
    def stalled_after(self) -> float:
        """Return the seconds of silence after which a worker's jobs are queued again."""
        ...


class ProcrastinateWorker:
    """Run Procrastinate's worker for one backend, through database outages."""

    def __init__(self, backend: WorkerBackend, options: WorkerOptions) -> None:
        self.backend = backend
        self.options = options
        self.tasks = [task for task in registry if task.backend == backend.alias]

    async def run(self) -> None:
        """Run rounds until stopped; a lost database connection means: wait, reconnect."""
        backoff = 1.0
        loop = asyncio.get_running_loop()
        while not self.options.stop.is_set():
            started = loop.time()
            try:
                await self._round()
            except Exception as exc:
                if not is_connection_error(exc):
                    raise
                if loop.time() - started > 2 * _MAX_BACKOFF:
                    backoff = 1.0  # it worked for a while: start the back-off again
                logger.warning(
                    "Database unavailable (%s); reconnecting in %.0f s", _first_line(exc), backoff
                )
                await _forget_connections()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.options.stop.wait(), timeout=backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)

    async def _round(self) -> None:
        import psycopg

        # Fail fast when the server is down, rather than inside the pool's retry loop.
        probe = await psycopg.AsyncConnection.connect(self._conninfo(), connect_timeout=5)
        async with probe:
            found = await probe.execute("SELECT to_regclass('procrastinate_jobs')")
            if (await found.fetchone() or (None,))[0] is None:
                raise MissingJobTables(self.backend.database)
        app = self._app()
        async with app.open_async():
            from procrastinate.worker import Worker

            worker = Worker(
                app,
                queues=self.options.queues,
                name=f"worker-{os.getpid()}",
                concurrency=self.options.concurrency,
                install_signal_handlers=False,
                update_heartbeat_interval=self.backend.heartbeat,
                stalled_worker_timeout=self.backend.stalled_after,
                fetch_job_polling_interval=self.backend.heartbeat,
                abort_job_polling_interval=self.backend.heartbeat,
            )
            logger.info("Connected to the database; waiting for jobs")
            await self._supervise(app, worker)

    async def _supervise(self, app: procrastinate.App, worker: Any) -> None:
        running = asyncio.create_task(worker.run(), name="procrastinate worker")
        helpers = [asyncio.create_task(self._rescue(app), name="rescuer")]
        if self.options.periodic:
            helpers.append(asyncio.create_task(self._schedules(app), name="schedules"))
        stop = asyncio.create_task(self.options.stop.wait(), name="stop")
        try:
            done, _ = await asyncio.wait(
                [running, stop, *helpers], return_when=asyncio.FIRST_COMPLETED
            )
            worker.stop()  # drain: no new jobs, wait for the running ones
            failed = [error for task in helpers if task in done and (error := task.exception())]
            await asyncio.gather(running, return_exceptions=not failed and stop in done)
            if failed:
                raise failed[0]
            if running in done and not self.options.stop.is_set():
                raise ConnectionError("the worker stopped on its own")
        finally:
            for task in [stop, *helpers]:
                task.cancel()
            await asyncio.gather(stop, *helpers, return_exceptions=True)

    def _conninfo(self) -> str:
        from framework.db import engines

        return conninfo(engines.config(self.backend.database))

    def _app(self) -> procrastinate.App:
        import procrastinate

        connector = procrastinate.PsycopgConnector(
            conninfo=self._conninfo(),
            min_size=1,
            max_size=self.options.concurrency + 4,
            timeout=10,
        )
        app = procrastinate.App(connector=connector)
        for task in self.tasks:
            app.task(
                name=task.name,
                queue=task.queue,
                priority=task.priority,
                pass_context=True,
                retry=_retry_strategy(task),
            )(self._runner(app, task))
        return app

    def _runner(self, app: procrastinate.App, task: Task[..., Any]) -> Any:
        async def run(context: Any, args: Any = (), kwargs: Any = None, **_: Any) -> Any:
            job_id = context.job.id
            try:
                value = await execute(task, list(args), dict(kwargs or {}))
            except Exception as exc:
                await self._record(app, job_id, None, describe_error(exc))
                raise
            await self._record(app, job_id, value, None)
            return value

        run.__name__ = run.__qualname__ = task.name
        return run

    @staticmethod
    async def _record(app: procrastinate.App, job_id: int, value: Any, error: str | None) -> None:
        from psycopg.types.json import Jsonb

        await app.connector.execute_query_async(
            _RECORD, job_id=job_id, value=Jsonb(value), error=error
        )

    async def _rescue(self, app: procrastinate.App) -> None:
        """Queue again the jobs of workers presumed dead, every heartbeat."""
        # _app builds every app on a PsycopgConnector; App.connector is typed as the base class.
        pool = cast("procrastinate.PsycopgConnector", app.connector).pool
        while True:
            async with pool.connection() as connection, connection.transaction():
                locked = await connection.execute(
                    "SELECT pg_try_advisory_xact_lock(%s)", (_RESCUE_LOCK,)
                )
                if (await locked.fetchone() or (False,))[0]:
                    rows = await connection.execute(
                        _STALLED, {"seconds": self.backend.stalled_after}
                    )
                    for (job_id,) in await rows.fetchall():
                        await connection.execute(
                            "SELECT procrastinate_retry_job_v2(%s, now(), NULL, NULL, NULL)",
                            (job_id,),
                        )
                        logger.warning(
                            "Job %s was running on a worker that stopped answering; queued again",
                            job_id,
                        )
            await asyncio.sleep(self.backend.heartbeat)

    async def _schedules(self, app: procrastinate.App) -> None:
        from framework.tasks.scheduler import run_schedules

        async def enqueue(task: Task[..., Any], tick: dt.datetime) -> bool:
            from procrastinate.jobs import Job

            timestamp = int(tick.timestamp())
            job = Job(
                id=None,
                queue=task.queue,
                priority=task.priority,
                lock=None,
                queueing_lock=None,
                task_name=task.name,
                task_kwargs={"args": [], "kwargs": {}, "timestamp": timestamp},
            )
            job_id = await app.job_manager.defer_periodic_job(
                job, periodic_id=task.name, defer_timestamp=timestamp
            )
            return job_id is not None

        async def paused() -> set[str]:
            rows = await app.connector.execute_query_all_async(
                f"SELECT task_name FROM {SCHEDULE_PAUSE_TABLE}"
            )
            return {row["task_name"] for row in rows}

        await run_schedules(self.backend.alias, self.options, enqueue, paused)


def _retry_strategy(task: Task[..., Any]) -> Any:
    """Return Procrastinate's retry hook answering with *task*'s retries and back-off."""
    from procrastinate import BaseRetryStrategy, RetryDecision

    class TaskRetries(BaseRetryStrategy):
        def get_retry_decision(self, *, exception: BaseException, job: Any) -> Any:
            delay = should_retry(task, job.attempts + 1, exception)
            if delay is None:
                return None
            return RetryDecision(retry_at=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=delay))

    return TaskRetries()


async def _forget_connections() -> None:
    """Close the project's engines: their pooled connections died with the server."""
    from framework.db import engines

    try:
        await engines.dispose()
    except Exception:  # closing dead connections may fail; new ones are opened anyway
        logger.debug("Closing the engines after an outage failed", exc_info=True)


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
