"""``TaskResult``: what ``enqueue()`` returns and what a job id looks up.

A result is a snapshot: ``await result.arefresh()`` reads the job's current state from its
backend (``result.refresh()`` from synchronous code). ``return_value`` is there once the
job has succeeded; before that, reading it is an error that says the status, so a job that
has not run is never mistaken for one that returned ``None``.

Results sit below the backends that make them: a result knows the backend holding its job
only as a :class:`ResultSource`, handed to it by that backend (``_backend``).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

from framework.tasks.exceptions import TaskError
from framework.tasks.sync import run_sync

__all__ = ["ResultSource", "TaskResult", "TaskStatus"]


class ResultSource(Protocol):
    """Where a result reads its job's current state: the backend that holds the job."""

    async def aget_result(self, result_id: str) -> TaskResult:
        """Return the current state of job *result_id*."""
        ...


class TaskStatus(enum.StrEnum):
    """Where a job is in its life; the last three are final."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """Return whether the job will not run again (unless retried by hand)."""
        return self in (TaskStatus.SUCCEEDED, TaskStatus.FAILED, TaskStatus.CANCELLED)


@dataclass
class TaskResult:
    """One job: its task, arguments, status and, once it succeeded, its return value."""

    id: str
    task_name: str
    status: TaskStatus
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    queue: str = "default"
    priority: int = 0
    run_after: dt.datetime | None = None
    attempts: int = 0
    #: ``"ExceptionType: message"`` of the last failure, if any.
    error: str | None = None
    #: The alias in ``TASKS`` of the backend that holds the job.
    backend: str = "default"
    _return_value: Any = field(default=None, repr=False)
    #: The backend that made this result (set by it, or by the task that read it from it).
    _backend: ResultSource | None = field(default=None, repr=False, compare=False)

    @property
    def return_value(self) -> Any:
        """Return what the task returned; an error until the job has succeeded."""
        if self.status is not TaskStatus.SUCCEEDED:
            raise ValueError(
                f"Job {self.id} of task {self.task_name!r} has no return value: its status "
                f"is {self.status.value!r} (await result.arefresh() to read it again)."
            )
        return self._return_value

    @property
    def finished(self) -> bool:
        """Return whether the job reached a final status."""
        return self.status.finished

    async def arefresh(self) -> None:
        """Read the job's current state from its backend."""
        if self._backend is None:
            raise TaskError(
                f"Job {self.id} of task {self.task_name!r} was not read through its backend "
                f"{self.backend!r}, so it cannot refresh itself: read it with await "
                f"task.aget_result({self.id!r}) or task_backends[{self.backend!r}]"
                f".aget_result({self.id!r})."
            )
        fresh = await self._backend.aget_result(self.id)
        for item in fields(self):
            if item.name != "_backend":
                setattr(self, item.name, getattr(fresh, item.name))

    def refresh(self) -> None:
        """Synchronous :meth:`arefresh`, for code that runs outside the event loop."""
        run_sync(self.arefresh())

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data (``manage.py tasks show --json``)."""
        return {
            "id": self.id,
            "task": self.task_name,
            "status": self.status.value,
            "queue": self.queue,
            "priority": self.priority,
            "args": self.args,
            "kwargs": self.kwargs,
            "run_after": self.run_after.isoformat() if self.run_after else None,
            "attempts": self.attempts,
            "error": self.error,
            "return_value": self._return_value if self.status is TaskStatus.SUCCEEDED else None,
            "backend": self.backend,
        }
