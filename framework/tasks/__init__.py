"""Tasks and schedules: ``from framework.tasks import task, periodic``.

Work that runs outside the request, on the backend ``TASKS`` names: ``inprocess`` (the
default: in the memory of the process that enqueued the job), ``immediate`` (at enqueue,
for tests) or ``procrastinate`` (durable jobs in PostgreSQL, run by ``manage.py worker``).
Tasks are discovered from each app's ``tasks.py``. Importing this package does no IO and
imports no extra.
"""

from __future__ import annotations

from framework.tasks.backends.base import BaseTaskBackend
from framework.tasks.config import task_backends
from framework.tasks.definitions import EnqueueOptions, Schedule, Task, TaskCall, periodic, task
from framework.tasks.exceptions import (
    InvalidTaskError,
    ResultNotFound,
    TaskArgumentsError,
    TaskError,
)
from framework.tasks.registry import TaskRegistry, discover_tasks, registry
from framework.tasks.results import TaskResult, TaskStatus

__all__ = [
    "BaseTaskBackend",
    "EnqueueOptions",
    "InvalidTaskError",
    "ResultNotFound",
    "Schedule",
    "Task",
    "TaskArgumentsError",
    "TaskCall",
    "TaskError",
    "TaskRegistry",
    "TaskResult",
    "TaskStatus",
    "discover_tasks",
    "periodic",
    "registry",
    "task",
    "task_backends",
]
