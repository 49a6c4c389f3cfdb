"""The options a backend receives: where and when a job runs, what a worker was asked for.

Plain values, below every other module of the tasks core: the backend base names them in
its signatures, ``@task`` (``EnqueueOptions``) and ``manage.py worker`` (``WorkerOptions``)
fill them in.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

__all__ = ["EnqueueOptions", "WorkerOptions"]


@dataclass(frozen=True)
class EnqueueOptions:
    """Where and when one job runs: the task's defaults, changed by ``.using()``."""

    queue: str
    priority: int
    run_after: dt.datetime | None
    backend: str


@dataclass
class WorkerOptions:
    """What ``manage.py worker`` asked for."""

    #: Queues to take jobs from; None takes every queue.
    queues: list[str] | None = None
    #: Jobs run at once by this worker.
    concurrency: int = 1
    #: Whether this worker also enqueues the ``@periodic`` tasks at their ticks.
    periodic: bool = True
    #: Set when the worker must stop (the signal handlers set it).
    stop: asyncio.Event = field(default_factory=asyncio.Event)
