"""Periodic schedules: a worker enqueues each tick; paused schedules are skipped."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from framework.conf import settings
from framework.tasks import Task, periodic, task, task_backends
from framework.tasks.scheduler import run_schedules
from framework.tasks.workers import WorkerOptions

ticks: list[dt.datetime] = []
ticked = asyncio.Event()


@periodic("* * * * * *")
@task(backend="ticking")
async def every_second() -> None:
    ticks.append(dt.datetime.now(dt.UTC))
    if len(ticks) >= 2:
        ticked.set()


async def test_the_inprocess_worker_runs_periodic_tasks() -> None:
    ticks.clear()
    ticked.clear()
    settings.configure(
        TASKS={"default": {"BACKEND": "inprocess"}, "ticking": {"BACKEND": "inprocess"}}
    )
    options = WorkerOptions(periodic=True)
    worker = asyncio.create_task(task_backends["ticking"].arun_worker(options))
    await asyncio.wait_for(ticked.wait(), timeout=30)
    options.stop.set()
    await asyncio.wait_for(worker, timeout=30)
    assert len(ticks) >= 2 and ticks[1] > ticks[0]


async def test_a_paused_schedule_is_skipped() -> None:
    settings.configure(
        TASKS={"default": {"BACKEND": "inprocess"}, "ticking": {"BACKEND": "inprocess"}}
    )
    asked: list[str] = []
    options = WorkerOptions(periodic=True)

    async def enqueue(due: Task[..., Any], tick: dt.datetime) -> bool:
        asked.append(due.name)
        return True

    async def paused() -> set[str]:
        if len(checks) >= 2:
            options.stop.set()
        checks.append(1)
        return {every_second.name}

    checks: list[int] = []
    await asyncio.wait_for(run_schedules("ticking", options, enqueue, paused), timeout=30)
    assert len(checks) >= 2 and asked == []
