"""What the in-memory backends share: results kept in this process, attempts, the worker.

``immediate`` and ``inprocess`` (and the test queue of ``framework.testing``) keep their jobs
in the memory of the process that enqueued them. They differ only in *when* a job runs;
the rules are the same: a job enqueued inside a transaction is handed over when it commits
and forgotten if it rolls back, a failed attempt is retried while the task allows it, and
results are kept for the last ``max_results`` jobs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import logging
import os
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from framework.tasks.backends.base import BaseTaskBackend, RunnableTask
from framework.tasks.exceptions import ResultNotFound
from framework.tasks.execution import describe_error, execute, should_retry
from framework.tasks.results import TaskResult, TaskStatus

if TYPE_CHECKING:
    from framework.tasks.definitions import Task
    from framework.tasks.options import EnqueueOptions, WorkerOptions

__all__ = ["MemoryBackend", "MemoryJob", "in_transaction"]

logger = logging.getLogger("framework.tasks")

_ids = itertools.count(1)


@dataclass(eq=False)
class MemoryJob:
    """A job held in memory: its task and the result object it keeps up to date."""

    task: RunnableTask
    result: TaskResult

    @property
    def delay(self) -> float:
        """Return the seconds until the job may run (0 when it is due)."""
        if self.result.run_after is None:
            return 0.0
        return max((self.result.run_after - dt.datetime.now(dt.UTC)).total_seconds(), 0)


def in_transaction() -> bool:
    """Return whether the running code is inside a transaction (block or atomic request)."""
    from framework.db.sessions import current_scope_or_none

    scope = current_scope_or_none()
    return scope is not None and scope.atomic_depth > 0


class MemoryBackend(BaseTaskBackend):
    """Jobs in this process's memory; subclasses decide when they run."""

    option_names: ClassVar[frozenset[str]] = frozenset({"max_results"})

    def __init__(self, alias: str, options: Mapping[str, Any]) -> None:
        super().__init__(alias, options)
        self.max_results = int(self.options.get("max_results", 10_000))
        self._results: OrderedDict[str, TaskResult] = OrderedDict()

    # -- enqueue --------------------------------------------------------------------------

    async def aenqueue(
        self,
        task: RunnableTask,
        args: list[Any],
        kwargs: dict[str, Any],
        options: EnqueueOptions,
    ) -> TaskResult:
        """Keep the job; hand it over now, or when the surrounding transaction commits."""
        result = self.queued_result(f"{os.getpid()}-{next(_ids)}", task, args, kwargs, options)
        job = MemoryJob(task, result)
        if in_transaction():
            from framework.db import on_commit

            on_commit(self._accept_later(job))
        else:
            await self.accept(job)
        return replace(result)

    def _accept_later(self, job: MemoryJob) -> Callable[[], Any]:
        def accept() -> Any:
            return self.accept(job)

        return accept

    async def accept(self, job: MemoryJob) -> None:
        """Take a job whose enqueue is final (committed): remember it, then start it."""
        self._remember(job.result)
        await self.start(job)

    async def start(self, job: MemoryJob) -> None:
        """Run (or schedule) an accepted job."""
        raise NotImplementedError

    # -- running --------------------------------------------------------------------------

    async def attempt(self, job: MemoryJob) -> float | None:
        """Run one attempt; return the delay before a retry, or None when the job is done."""
        result = job.result
        result.status = TaskStatus.RUNNING
        result.attempts += 1
        try:
            value = await execute(job.task, result.args, result.kwargs)
        except asyncio.CancelledError:
            result.status = TaskStatus.CANCELLED
            result.error = "Cancelled: the process stopped while the job ran."
            raise
        except Exception as exc:
            result.error = describe_error(exc)
            delay = should_retry(job.task, result.attempts, exc)
            if delay is None:
                result.status = TaskStatus.FAILED
                logger.exception("Job %s of task %s failed", result.id, result.task_name)
            else:
                result.status = TaskStatus.QUEUED
                logger.warning(
                    "Job %s of task %s failed (%s); retrying in %.3g s",
                    result.id,
                    result.task_name,
                    result.error,
                    delay,
                )
            return delay
        result._return_value = value
        result.status = TaskStatus.SUCCEEDED
        result.error = None
        return None

    # -- results --------------------------------------------------------------------------

    def _remember(self, result: TaskResult) -> None:
        self._results[result.id] = result
        while len(self._results) > self.max_results:
            oldest = next(iter(self._results))
            if not self._results[oldest].finished:
                break
            del self._results[oldest]

    async def aget_result(self, result_id: str) -> TaskResult:
        """Return a snapshot of job *result_id*, if this process still remembers it."""
        try:
            return replace(self._results[result_id])
        except KeyError:
            raise ResultNotFound(
                f"No job {result_id!r} in the {self.name!r} backend {self.alias!r}: its jobs "
                "live in the memory of the process that enqueued them (and the last "
                f"{self.max_results} only)."
            ) from None

    # -- worker ---------------------------------------------------------------------------

    async def arun_worker(self, options: WorkerOptions) -> None:
        """Run the periodic schedules in this process until stopped; jobs run here too."""
        from framework.tasks.scheduler import run_schedules

        if options.periodic:
            await run_schedules(self.alias, options, self._enqueue_tick)
        else:
            await options.stop.wait()

    async def _enqueue_tick(self, task: Task[..., Any], tick: dt.datetime) -> bool:
        await task.using(backend=self.alias).aenqueue()
        return True
