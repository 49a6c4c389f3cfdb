"""``procrastinate``: durable jobs and schedules in PostgreSQL, run by ``manage.py worker``.

::

    TASKS = {"default": {"BACKEND": "procrastinate", "OPTIONS": {"database": "default"}}}

OPTIONS: ``database`` (the ``DATABASES`` alias holding the job tables, PostgreSQL only) and
``heartbeat`` (seconds between a worker's heartbeats, default 10). A worker that misses
three heartbeats is presumed dead and its running jobs are queued again on another
worker: delivery is at least once, so tasks must be idempotent.

Enqueueing goes through SQLAlchemy on the caller's connection (see ``jobs.py``): inside a
transaction the job commits with it. The tables come from the ``framework.contrib.tasks``
app's migrations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, ClassVar

from framework.exceptions import ImproperlyConfigured
from framework.tasks.backends.base import BaseTaskBackend, RunnableTask
from framework.tasks.backends.memory import in_transaction
from framework.tasks.procrastinate import jobs
from framework.tasks.results import TaskResult, TaskStatus

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from framework.checks import CheckMessage
    from framework.tasks.options import EnqueueOptions, WorkerOptions

__all__ = ["ProcrastinateBackend"]

#: A worker silent for this many heartbeats is presumed dead (its jobs are queued again).
MISSED_HEARTBEATS = 3


class ProcrastinateBackend(BaseTaskBackend):
    """Jobs in PostgreSQL tables managed by Procrastinate."""

    name: ClassVar[str] = "procrastinate"
    durable: ClassVar[bool] = True
    option_names: ClassVar[frozenset[str]] = frozenset({"database", "heartbeat"})

    def __init__(self, alias: str, options: Mapping[str, Any]) -> None:
        super().__init__(alias, options)
        self.database = str(self.options.get("database", "default"))
        heartbeat = self.options.get("heartbeat", 10.0)
        if isinstance(heartbeat, bool) or not isinstance(heartbeat, (int, float)) or heartbeat <= 0:
            raise ImproperlyConfigured(
                f"TASKS[{alias!r}]['OPTIONS']['heartbeat'] must be a positive number of "
                f"seconds; got {heartbeat!r}."
            )
        self.heartbeat = float(heartbeat)

    @property
    def stalled_after(self) -> float:
        """Return the seconds of silence after which a worker's jobs are queued again."""
        return MISSED_HEARTBEATS * self.heartbeat

    # -- connections ----------------------------------------------------------------------

    def _require_postgres(self) -> None:
        from framework.db import engines

        config = engines.config(self.database)
        if config.backend != "postgresql":
            raise ImproperlyConfigured(
                f"TASKS[{self.alias!r}] uses the 'procrastinate' backend on the database "
                f"{self.database!r}, which is {config.backend}: it needs PostgreSQL."
            )

    @asynccontextmanager
    async def connection(self, *, join: bool = True) -> AsyncIterator[AsyncConnection]:
        """Yield a connection to the job tables: the caller's transaction when *join*
        and one is open, else a short transaction of its own (committed on success).
        """
        from framework.db.sessions import current_scope, new_session

        self._require_postgres()
        binding = {"alias": self.database}
        if join and in_transaction():
            yield await current_scope().session.connection(bind_arguments=binding)
            return
        async with new_session() as session:
            yield await session.connection(bind_arguments=binding)
            await session.commit()

    # -- the task API ---------------------------------------------------------------------

    async def aenqueue(
        self,
        task: RunnableTask,
        args: list[Any],
        kwargs: dict[str, Any],
        options: EnqueueOptions,
    ) -> TaskResult:
        """Write the job row, in the caller's transaction when there is one."""
        async with self.connection() as connection:
            job_id = await jobs.defer_job(
                connection,
                task_name=task.name,
                queue=options.queue,
                priority=options.priority,
                args=args,
                kwargs=kwargs,
                run_after=options.run_after,
            )
        return self.queued_result(str(job_id), task, args, kwargs, options)

    async def aget_result(self, result_id: str) -> TaskResult:
        """Read job *result_id* and its result (never through the caller's transaction)."""
        async with self.connection(join=False) as connection:
            result = await jobs.fetch_job(connection, result_id, self.alias)
        result._backend = self
        return result

    # -- operations (manage.py tasks) -----------------------------------------------------

    async def alist(
        self,
        *,
        status: str | None = None,
        queue: str | None = None,
        task_name: str | None = None,
        limit: int = 50,
    ) -> list[TaskResult]:
        """Return the newest jobs first."""
        async with self.connection(join=False) as connection:
            found = await jobs.list_jobs(
                connection,
                self.alias,
                status=status,
                queue=queue,
                task_name=task_name,
                limit=limit,
            )
        for result in found:
            result._backend = self
        return found

    async def aretry(self, result_id: str) -> TaskResult:
        """Queue a failed job again; refuse any other status, naming it."""
        current = await self.aget_result(result_id)
        if current.status is not TaskStatus.FAILED:
            raise ImproperlyConfigured(
                f"Job {result_id} is {current.status.value!r}; only failed jobs can be retried."
            )
        async with self.connection(join=False) as connection:
            await jobs.retry_job(connection, int(result_id))
        return await self.aget_result(result_id)

    async def acancel(self, result_id: str) -> TaskResult:
        """Cancel a queued job, or ask its worker to abort a running one."""
        current = await self.aget_result(result_id)
        async with self.connection(join=False) as connection:
            done = await jobs.cancel_job(connection, int(result_id))
        if not done:
            raise ImproperlyConfigured(
                f"Job {result_id} is {current.status.value!r}; only queued or running jobs "
                "can be cancelled."
            )
        return await self.aget_result(result_id)

    async def aprune(self, older_than: dt.timedelta) -> int:
        """Delete finished jobs older than *older_than*; return how many."""
        async with self.connection(join=False) as connection:
            return await jobs.prune_jobs(connection, older_than)

    async def apaused(self) -> set[str]:
        """Return the names of the paused periodic tasks."""
        async with self.connection(join=False) as connection:
            return await jobs.paused_schedules(connection)

    async def aset_paused(self, name: str, paused: bool) -> None:
        """Pause (or resume) the periodic task *name* on every worker."""
        async with self.connection(join=False) as connection:
            await jobs.set_schedule_paused(connection, name, paused)

    # -- worker and checks ----------------------------------------------------------------

    async def arun_worker(self, options: WorkerOptions) -> None:
        """Run a Procrastinate worker, reconnecting with back-off through outages."""
        from framework.tasks.procrastinate.worker import ProcrastinateWorker

        self._require_postgres()
        await ProcrastinateWorker(self, options).run()

    def check(self) -> list[CheckMessage]:
        """Report a non-PostgreSQL database and a missing ``framework.contrib.tasks``."""
        from framework.apps import apps
        from framework.checks import Error
        from framework.exceptions import FrameworkError

        messages: list[CheckMessage] = []
        try:
            self._require_postgres()
        except FrameworkError as exc:
            messages.append(
                Error(str(exc), "Point OPTIONS['database'] at a PostgreSQL alias.", "tasks.E002")
            )
        if apps.configs_ready and not apps.is_installed("framework.contrib.tasks"):
            messages.append(
                Error(
                    f"TASKS[{self.alias!r}] uses the 'procrastinate' backend but "
                    "'framework.contrib.tasks' is not in INSTALLED_APPS: its migrations "
                    "create the job tables.",
                    "Add 'framework.contrib.tasks' to INSTALLED_APPS, then run "
                    "manage.py db-upgrade.",
                    "tasks.E003",
                )
            )
        return messages
