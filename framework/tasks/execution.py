"""Run one attempt of a job, the same way on every backend.

An ``async`` task runs on the event loop inside its own database session (so CRUD helpers
and ``transaction()`` work as in a request) and within its ``timeout``; a plain function
runs in a worker thread, never blocking the loop. The return value must be JSON, like the
arguments, because durable backends store it: a value that is not fails the job without
retrying it (running it again would return the same thing).
"""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING, Any

from framework.tasks.arguments import check_json
from framework.tasks.exceptions import TaskArgumentsError, TaskError

if TYPE_CHECKING:
    from framework.tasks.backends.base import RunnableTask

__all__ = ["TaskReturnError", "TaskTimeout", "describe_error", "execute", "should_retry"]


class TaskReturnError(TaskError, TypeError):
    """The task returned a value JSON cannot carry; the job fails without a retry."""


class TaskTimeout(TaskError, TimeoutError):
    """An attempt ran longer than the task's ``timeout``."""


async def execute(task: RunnableTask, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """Run one attempt of *task* and return its (JSON-checked) value."""
    if task.is_async:
        from framework.db import session

        async with session():
            call = task.func(*args, **kwargs)
            if task.timeout is None:
                value = await call
            else:
                try:
                    value = await asyncio.wait_for(call, task.timeout)
                except TimeoutError:
                    raise TaskTimeout(
                        f"Task {task.name!r} ran longer than its timeout ({task.timeout:g} s)."
                    ) from None
    else:
        value = await asyncio.to_thread(task.func, *args, **kwargs)
    try:
        check_json(task.name, "the return value", value)
    except TaskArgumentsError as exc:
        raise TaskReturnError(str(exc)) from None
    return value


def should_retry(task: RunnableTask, attempts: int, error: BaseException) -> float | None:
    """Return the delay before the next attempt, or None when the job has failed for good."""
    if isinstance(error, TaskReturnError) or attempts > task.retries:
        return None
    delay = task.retry_delay(attempts)
    return delay if math.isfinite(delay) else None


def describe_error(error: BaseException) -> str:
    """Return ``"Type: message"`` for a job's ``error`` field."""
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
