"""``BaseTaskBackend``: what every backend of ``TASKS`` provides (custom ones subclass it).

A backend receives checked jobs (``aenqueue``), answers lookups (``aget_result``) and runs
the worker loop of ``manage.py worker`` (``arun_worker``). Jobs enqueued inside a
transaction must follow its outcome: committed with it, or never run.

The base sits below the tasks it runs: it names its results and options directly, and a
task only as a :class:`RunnableTask` (``framework.tasks.Task`` is one), so ``Task`` can
reach its backend through ``TASKS`` without the two importing each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from framework.exceptions import ImproperlyConfigured
from framework.tasks.exceptions import TaskError
from framework.tasks.options import EnqueueOptions, WorkerOptions
from framework.tasks.results import TaskResult, TaskStatus

if TYPE_CHECKING:
    from framework.checks import CheckMessage

__all__ = ["BaseTaskBackend", "RunnableTask"]


class RunnableTask(Protocol):
    """What a backend reads of a task: its name, and what running one attempt needs."""

    @property
    def name(self) -> str:
        """Return the task's name, which its jobs carry."""
        ...

    @property
    def func(self) -> Callable[..., Any]:
        """Return the function an attempt calls."""
        ...

    @property
    def is_async(self) -> bool:
        """Return whether the function is a coroutine function."""
        ...

    @property
    def timeout(self) -> float | None:
        """Return the seconds an attempt may run (``async`` tasks), or None."""
        ...

    @property
    def retries(self) -> int:
        """Return how many failed attempts are tried again."""
        ...

    def retry_delay(self, attempt: int) -> float:
        """Return the seconds to wait before retrying after failed attempt *attempt*."""
        ...


class BaseTaskBackend:
    """A place where jobs wait and run; configured by one entry of ``TASKS``."""

    #: Short name used in ``TASKS`` (``"inprocess"``); dotted paths name custom backends.
    name: ClassVar[str] = ""
    #: Whether jobs outlive the process that enqueued them and every process shares them.
    durable: ClassVar[bool] = False
    #: The keys this backend reads from ``OPTIONS``; any other key is refused.
    option_names: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, alias: str, options: Mapping[str, Any]) -> None:
        unknown = sorted(set(options) - self.option_names)
        if unknown:
            known = ", ".join(sorted(self.option_names)) or "none"
            raise ImproperlyConfigured(
                f"TASKS[{alias!r}]['OPTIONS'] has unknown key {unknown[0]!r} for the "
                f"{self.name or type(self).__name__!r} backend (known: {known})."
            )
        self.alias = alias
        self.options = dict(options)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.alias!r}>"

    async def aenqueue(
        self,
        task: RunnableTask,
        args: list[Any],
        kwargs: dict[str, Any],
        options: EnqueueOptions,
    ) -> TaskResult:
        """Store (or start) one job of *task*; return its result handle."""
        raise NotImplementedError

    async def aget_result(self, result_id: str) -> TaskResult:
        """Return the current state of job *result_id* (``ResultNotFound`` if unknown)."""
        raise NotImplementedError

    def queued_result(
        self,
        result_id: str,
        task: RunnableTask,
        args: list[Any],
        kwargs: dict[str, Any],
        options: EnqueueOptions,
    ) -> TaskResult:
        """Return the result of a job just enqueued on this backend."""
        return TaskResult(
            id=result_id,
            task_name=task.name,
            status=TaskStatus.QUEUED,
            args=args,
            kwargs=kwargs,
            queue=options.queue,
            priority=options.priority,
            run_after=options.run_after,
            backend=self.alias,
            _backend=self,
        )

    async def arun_worker(self, options: WorkerOptions) -> None:
        """Run jobs (and the periodic schedules) until the worker is asked to stop."""
        raise NotImplementedError

    def check(self) -> list[CheckMessage]:
        """Return system-check messages about this backend's configuration."""
        return []

    # -- operations (``manage.py tasks``); durable backends implement them ---------------

    def _unsupported(self, what: str) -> TaskError:
        return TaskError(
            f"The {self.name or type(self).__name__!r} backend of TASKS[{self.alias!r}] keeps "
            f"its jobs in the memory of the process that enqueued them, so it cannot {what} "
            "from here: use a durable backend such as 'procrastinate'."
        )

    async def alist(
        self,
        *,
        status: str | None = None,
        queue: str | None = None,
        task_name: str | None = None,
        limit: int = 50,
    ) -> list[TaskResult]:
        """Return the newest jobs first, filtered by status, queue and task name."""
        raise self._unsupported("list jobs")

    async def aretry(self, result_id: str) -> TaskResult:
        """Queue a failed job again."""
        raise self._unsupported("retry jobs")

    async def acancel(self, result_id: str) -> TaskResult:
        """Cancel a queued job (or ask a running one to abort)."""
        raise self._unsupported("cancel jobs")

    async def aprune(self, older_than: dt.timedelta) -> int:
        """Delete finished jobs older than *older_than*; return how many."""
        raise self._unsupported("prune jobs")

    async def apaused(self) -> set[str]:
        """Return the names of the paused periodic tasks."""
        return set()

    async def aset_paused(self, name: str, paused: bool) -> None:
        """Pause or resume the periodic task *name* on every worker."""
        raise self._unsupported("pause schedules")
