"""``inprocess``: jobs run on the event loop of the process that enqueued them (the default).

Zero setup, for development and single-process SQLite projects: no table, no worker. Jobs
start in the background right away (or at ``run_after``), at most ``concurrency`` at once,
highest ``priority`` first, retried after the task's back-off. Nothing is durable: a job is
lost if the process stops or crashes before it ends, and other processes and hosts never
see it — ``check --deploy`` warns when several processes serve the project. At shutdown
(the server's lifespan, the end of a command) running jobs get ``BACKGROUND_DRAIN``
seconds to finish; jobs still waiting for ``run_after`` are logged as lost.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import weakref
from collections.abc import Mapping
from typing import Any, ClassVar

from framework.tasks.backends.memory import MemoryBackend, MemoryJob

__all__ = ["InProcessBackend"]

logger = logging.getLogger("framework.tasks")


class InProcessBackend(MemoryBackend):
    """Run jobs in the background on this process's event loop."""

    name: ClassVar[str] = "inprocess"
    option_names: ClassVar[frozenset[str]] = frozenset({"max_results", "concurrency"})

    def __init__(self, alias: str, options: Mapping[str, Any]) -> None:
        super().__init__(alias, options)
        self.concurrency = int(self.options.get("concurrency", 10))
        self._dispatchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Dispatcher] = (
            weakref.WeakKeyDictionary()
        )

    async def start(self, job: MemoryJob) -> None:
        """Hand the job to this loop's dispatcher; it runs in the background."""
        loop = asyncio.get_running_loop()
        dispatcher = self._dispatchers.get(loop)
        if dispatcher is None:
            dispatcher = self._dispatchers[loop] = _Dispatcher(self, loop)
            from framework.runtime import register_cleanup

            register_cleanup(dispatcher.drain)
        dispatcher.submit(job)

    async def join(self) -> None:
        """Wait until every job of this loop has ended (tests, and the test fixture)."""
        dispatcher = self._dispatchers.get(asyncio.get_running_loop())
        if dispatcher is not None:
            await dispatcher.idle()


class _Dispatcher:
    """The jobs of one event loop: waiting (by priority), sleeping until due, running."""

    def __init__(self, backend: InProcessBackend, loop: asyncio.AbstractEventLoop) -> None:
        self.backend = backend
        self.loop = loop
        self.ready: list[tuple[int, int, MemoryJob]] = []
        self.timers: dict[MemoryJob, asyncio.TimerHandle] = {}
        self.running: set[asyncio.Task[None]] = set()
        self.order = itertools.count()
        self.changed = asyncio.Event()

    def submit(self, job: MemoryJob, delay: float | None = None) -> None:
        """Queue *job* now, or after *delay* seconds (default: until its ``run_after``)."""
        wait = job.delay if delay is None else delay
        if wait > 0:
            self.timers[job] = self.loop.call_later(wait, self._due, job)
            return
        heapq.heappush(self.ready, (-job.result.priority, next(self.order), job))
        self._pump()

    def _due(self, job: MemoryJob) -> None:
        self.timers.pop(job, None)
        self.submit(job, delay=0)

    def _pump(self) -> None:
        while self.ready and len(self.running) < self.backend.concurrency:
            _, _, job = heapq.heappop(self.ready)
            task = self.loop.create_task(self._run(job), name=f"job {job.result.id}")
            self.running.add(task)
            task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.running.discard(task)
        self._pump()
        self.changed.set()

    async def _run(self, job: MemoryJob) -> None:
        delay = await self.backend.attempt(job)
        if delay is not None:
            self.submit(job, delay)

    async def idle(self) -> None:
        """Wait until nothing is running, waiting or sleeping."""
        while self.running or self.ready or self.timers:
            self.changed.clear()
            await self.changed.wait()

    async def drain(self) -> None:
        """At shutdown: let running jobs finish (``BACKGROUND_DRAIN`` s), report the rest."""
        from framework.conf import settings

        for job, timer in self.timers.items():
            timer.cancel()
            logger.warning(
                "Job %s of task %s was waiting for its run_after and is lost at shutdown "
                "(the inprocess backend is not durable)",
                job.result.id,
                job.result.task_name,
            )
        self.timers.clear()
        timeout = float(settings.get("BACKGROUND_DRAIN", 30) or 0) or None
        deadline = None if timeout is None else self.loop.time() + timeout
        while self.running:
            left = None if deadline is None else max(deadline - self.loop.time(), 0)
            done, pending = await asyncio.wait(set(self.running), timeout=left)
            if pending and not done:
                for task in pending:
                    logger.warning("Job still running at shutdown was cancelled: %s", task)
                    task.cancel()
                await asyncio.gather(*pending, return_exceptions=True)
                break
        self.ready.clear()
