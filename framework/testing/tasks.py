"""Testing tasks: hold the jobs a test enqueues, then run them when the test says so.

The ``task_queue`` fixture swaps every ``TASKS`` backend for a :class:`QueueBackend` for
one test. Jobs follow the same rules as on any backend — arguments checked at enqueue,
nothing kept from a rolled-back transaction — but wait in the queue until the test runs
them, so it can look at what was enqueued first::

    async def test_signup_sends_a_welcome(async_client, task_queue):
        await async_client.post("/signups", json={"email": "a@example.com"})
        assert [job.task_name for job in task_queue.jobs] == ["blog.tasks.send_welcome"]
        [result] = await task_queue.arun()
        assert result.status == "succeeded"

For the opposite — every job run at once, inside the request — set ``TASKS`` to the
``immediate`` backend in the test settings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, ClassVar

from framework.tasks.backends.memory import MemoryBackend, MemoryJob
from framework.tasks.results import TaskResult
from framework.tasks.sync import run_sync

__all__ = ["QueueBackend", "TaskQueue", "queued_tasks"]


class QueueBackend(MemoryBackend):
    """Keep accepted jobs until :meth:`TaskQueue.arun` runs them."""

    name: ClassVar[str] = "queue"

    def __init__(self, alias: str, options: Mapping[str, Any]) -> None:
        super().__init__(alias, options)
        self.pending: list[MemoryJob] = []

    async def start(self, job: MemoryJob) -> None:
        """Hold the job."""
        self.pending.append(job)


class TaskQueue:
    """The jobs enqueued during a test (every backend alias), and a way to run them."""

    def __init__(self, backends: list[QueueBackend]) -> None:
        self.backends = backends

    @property
    def jobs(self) -> list[TaskResult]:
        """Return the jobs waiting to run, in the order they will run."""
        return [replace(job.result) for job in self._ordered()]

    def _ordered(self) -> list[MemoryJob]:
        waiting = [job for backend in self.backends for job in backend.pending]
        return sorted(waiting, key=lambda job: -job.result.priority)  # stable: FIFO inside

    async def arun(self, limit: int = 1000) -> list[TaskResult]:
        """Run the waiting jobs (and those they enqueue) until none is left; return them.

        Retries happen at once, without the back-off wait; ``run_after`` is not waited for.
        More than *limit* jobs (a task that keeps enqueueing itself) is an error.
        """
        done: list[TaskResult] = []
        while True:
            ordered = self._ordered()
            if not ordered:
                return done
            job = ordered[0]
            for backend in self.backends:
                if job in backend.pending:
                    backend.pending.remove(job)
            while await job_backend(self.backends, job).attempt(job) is not None:
                pass
            done.append(replace(job.result))
            if len(done) > limit:
                raise RuntimeError(
                    f"task_queue ran {limit} jobs and more keep coming: does a task enqueue itself?"
                )

    def run(self, limit: int = 1000) -> list[TaskResult]:
        """Synchronous :meth:`arun`."""
        return run_sync(self.arun(limit))

    def clear(self) -> None:
        """Forget the waiting jobs."""
        for backend in self.backends:
            backend.pending.clear()


def job_backend(backends: list[QueueBackend], job: MemoryJob) -> QueueBackend:
    """Return the backend that holds *job*'s result."""
    return next(b for b in backends if b.alias == job.result.backend)


@contextmanager
def queued_tasks() -> Iterator[TaskQueue]:
    """Swap every ``TASKS`` backend for a :class:`QueueBackend` inside the block."""
    from framework.conf import settings
    from framework.tasks.config import task_backends

    path = f"{QueueBackend.__module__}.{QueueBackend.__qualname__}"
    aliases = list(settings.TASKS) or ["default"]
    with settings.override(TASKS={alias: {"BACKEND": path} for alias in aliases}):
        backends = [task_backends[alias] for alias in aliases]
        yield TaskQueue([b for b in backends if isinstance(b, QueueBackend)])
