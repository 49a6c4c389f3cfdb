"""The periodic schedules: enqueue each ``@periodic`` task at its cron ticks.

Every worker runs this loop (unless started with ``--no-periodic``). It wakes at the next
tick of any schedule and calls *enqueue* with the task and the tick; the Procrastinate
backend turns that into one row per task and tick in the database, so several workers
asking for the same tick produce one job. Ticks that pass while no worker runs are not
made up later. A schedule paused with ``manage.py tasks pause`` is skipped.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from framework.tasks.definitions import Task
    from framework.tasks.options import WorkerOptions

__all__ = ["run_schedules", "schedules_of"]

logger = logging.getLogger("framework.tasks.scheduler")

#: Enqueue a tick; return False when another worker had already enqueued it.
Enqueue = Callable[["Task[..., Any]", dt.datetime], Awaitable[bool]]
Paused = Callable[[], Awaitable[set[str]]]


def schedules_of(alias: str) -> list[Task[..., Any]]:
    """Return the periodic tasks that run on the backend *alias*."""
    from framework.tasks.registry import registry

    return [task for task in registry.scheduled() if task.backend == alias]


async def run_schedules(
    alias: str, options: WorkerOptions, enqueue: Enqueue, paused: Paused | None = None
) -> None:
    """Enqueue the periodic tasks of backend *alias* at their ticks until *options.stop*."""
    tasks = schedules_of(alias)
    if not tasks:
        logger.info("No periodic task on backend %r", alias)
        await options.stop.wait()
        return
    now = dt.datetime.now(dt.UTC)
    upcoming = {task.name: _next(task, now) for task in tasks}
    by_name = {task.name: task for task in tasks}
    while not options.stop.is_set():
        name = min(upcoming, key=lambda key: upcoming[key])
        tick = upcoming[name]
        delay = (tick - dt.datetime.now(dt.UTC)).total_seconds()
        if delay > 0:
            try:
                await asyncio.wait_for(options.stop.wait(), timeout=delay)
                return  # asked to stop before the tick
            except TimeoutError:
                pass
        due = [key for key, when in upcoming.items() if when <= tick]
        skipped = await paused() if paused is not None else set()
        for key in due:
            upcoming[key] = _next(by_name[key], tick)
            if key in skipped:
                logger.info("Periodic task %s is paused: tick %s skipped", key, tick.isoformat())
                continue
            if await enqueue(by_name[key], tick):
                logger.info("Periodic task %s enqueued for tick %s", key, tick.isoformat())
            else:
                logger.info("Periodic task %s: tick %s already enqueued", key, tick.isoformat())


def _next(task: Task[..., Any], after: dt.datetime) -> dt.datetime:
    assert task.schedule is not None
    return task.schedule.cron.next_after(after)
