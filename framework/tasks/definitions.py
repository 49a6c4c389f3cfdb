"""``@task`` and ``@periodic``: declare work that runs outside the request.

::

    @task(queue="emails", retries=3)          # in an app's tasks.py
    async def send_welcome(user_id: int) -> None: ...

    @periodic("*/5 * * * *")
    @task
    async def prune_tokens() -> None: ...

    result = await send_welcome.aenqueue(user.id)
    result = await send_welcome.using(run_after=timedelta(minutes=5)).aenqueue(user.id)

Every option is checked where it is written: a bad queue name, a negative retry count, a
timeout on a synchronous function (a thread cannot be stopped), a periodic task that needs
arguments — each is refused when the module is imported, naming the task.

A task registers itself in :data:`registry` when it is declared (``registry.py`` adds the
discovery of each app's ``tasks.py``); it reaches its backend through ``config.py``, below
it, and the backends know a task only as a :class:`~framework.tasks.backends.base.RunnableTask`.
"""

from __future__ import annotations

import datetime as dt
import inspect
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any, Generic, ParamSpec, TypeVar, overload

from framework.tasks.arguments import check_arguments
from framework.tasks.backends.base import BaseTaskBackend
from framework.tasks.config import task_backends
from framework.tasks.cron import Cron, CronError
from framework.tasks.exceptions import InvalidTaskError
from framework.tasks.options import EnqueueOptions
from framework.tasks.results import TaskResult
from framework.tasks.sync import run_sync

__all__ = [
    "EnqueueOptions",
    "Schedule",
    "Task",
    "TaskCall",
    "TaskRegistry",
    "periodic",
    "registry",
    "task",
]

P = ParamSpec("P")
R = TypeVar("R")

#: Longest wait between two attempts, however many retries.
MAX_BACKOFF = 3600.0


@dataclass(frozen=True)
class Schedule:
    """A ``@periodic`` schedule of a task."""

    cron: Cron

    @property
    def expression(self) -> str:
        """Return the cron expression as written."""
        return self.cron.expression


class Task(Generic[P, R]):
    """A function declared with ``@task``: call it directly, or enqueue it as a job."""

    def __init__(
        self,
        func: Callable[P, R],
        *,
        name: str | None = None,
        queue: str = "default",
        priority: int = 0,
        retries: int = 0,
        backoff: float = 1.0,
        timeout: float | None = None,
        backend: str = "default",
    ) -> None:
        self.func = func
        self.name = name or f"{func.__module__}.{func.__qualname__}"
        self.is_async = inspect.iscoroutinefunction(func)
        self.queue = queue
        self.priority = priority
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.backend = backend
        self.schedule: Schedule | None = None
        self.__doc__ = func.__doc__
        self.__wrapped__ = func
        _check_declaration(self)
        registry.register(self)

    def __repr__(self) -> str:
        return f"<Task {self.name}>"

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """Call the function directly, here and now (no job)."""
        return self.func(*args, **kwargs)

    def retry_delay(self, attempt: int) -> float:
        """Return the seconds to wait before retrying after failed attempt number *attempt*."""
        return float(min(self.backoff * 2 ** max(attempt - 1, 0), MAX_BACKOFF))

    def options(self) -> EnqueueOptions:
        """Return the task's default enqueue options."""
        return EnqueueOptions(self.queue, self.priority, None, self.backend)

    def using(
        self,
        *,
        queue: str | None = None,
        run_after: dt.datetime | dt.timedelta | None = None,
        priority: int | None = None,
        backend: str | None = None,
    ) -> TaskCall[P, R]:
        """Return this task with other options for the next enqueue: ``.using(...).aenqueue()``."""
        return TaskCall(self, self.options()).using(
            queue=queue, run_after=run_after, priority=priority, backend=backend
        )

    async def aenqueue(self, *args: P.args, **kwargs: P.kwargs) -> TaskResult:
        """Enqueue a job; inside a transaction it commits (or rolls back) with it."""
        return await TaskCall(self, self.options()).aenqueue(*args, **kwargs)

    def enqueue(self, *args: P.args, **kwargs: P.kwargs) -> TaskResult:
        """Synchronous :meth:`aenqueue`, for code that runs outside the event loop."""
        return run_sync(self.aenqueue(*args, **kwargs))

    async def aget_result(self, result_id: str | int) -> TaskResult:
        """Return the job *result_id* of this task's backend."""
        backend = task_backends[self.backend]
        return _read_through(backend, await backend.aget_result(str(result_id)))

    def get_result(self, result_id: str | int) -> TaskResult:
        """Synchronous :meth:`aget_result`."""
        return run_sync(self.aget_result(result_id))


class TaskCall(Generic[P, R]):
    """A task with the options of one enqueue (what ``Task.using()`` returns)."""

    def __init__(self, task: Task[P, R], options: EnqueueOptions) -> None:
        self.task = task
        self.options = options

    def using(
        self,
        *,
        queue: str | None = None,
        run_after: dt.datetime | dt.timedelta | None = None,
        priority: int | None = None,
        backend: str | None = None,
    ) -> TaskCall[P, R]:
        """Return a copy with these options changed."""
        options = self.options
        if queue is not None:
            options = replace(options, queue=_checked_queue(self.task.name, queue))
        if priority is not None:
            options = replace(options, priority=_checked_priority(self.task.name, priority))
        if run_after is not None:
            options = replace(options, run_after=_run_after(self.task.name, run_after))
        if backend is not None:
            options = replace(options, backend=backend)
        return TaskCall(self.task, options)

    async def aenqueue(self, *args: P.args, **kwargs: P.kwargs) -> TaskResult:
        """Check the arguments, then hand the job to the backend."""
        job_args, job_kwargs = check_arguments(self.task.name, self.task.func, args, kwargs)
        backend = task_backends[self.options.backend]
        result = await backend.aenqueue(self.task, job_args, job_kwargs, self.options)
        return _read_through(backend, result)

    def enqueue(self, *args: P.args, **kwargs: P.kwargs) -> TaskResult:
        """Synchronous :meth:`aenqueue`."""
        return run_sync(self.aenqueue(*args, **kwargs))


def _read_through(backend: BaseTaskBackend, result: TaskResult) -> TaskResult:
    """Return *result* knowing the backend it came from, so that it can refresh itself.

    The built-in backends hand themselves to their results; a custom backend's result may
    not say, and the backend this task used is the one that holds the job.
    """
    if result._backend is None:
        result._backend = backend
    return result


class TaskRegistry:
    """The tasks of the running project, by name (``@task`` adds each one it declares)."""

    def __init__(self) -> None:
        self._tasks: dict[str, Task[..., Any]] = {}
        self._lock = threading.Lock()

    def register(self, task: Task[..., Any]) -> None:
        """Record *task*; another function under the same name is an error naming both."""
        with self._lock:
            existing = self._tasks.get(task.name)
            if existing is not None and existing.func.__module__ != task.func.__module__:
                raise InvalidTaskError(
                    f"Two tasks are named {task.name!r}: {_where(existing)} and "
                    f"{_where(task)}; give one of them another name=."
                )
            self._tasks[task.name] = task  # a module imported again replaces its tasks

    def get(self, name: str) -> Task[..., Any] | None:
        """Return the task called *name*, or None."""
        return self._tasks.get(name)

    def __iter__(self) -> Iterator[Task[..., Any]]:
        return iter(sorted(self._tasks.values(), key=lambda task: task.name))

    def __len__(self) -> int:
        return len(self._tasks)

    def scheduled(self) -> list[Task[..., Any]]:
        """Return the tasks with a ``@periodic`` schedule, by name."""
        return [task for task in self if task.schedule is not None]


def _where(task: Task[..., Any]) -> str:
    return f"{task.func.__module__}.{task.func.__qualname__}"


#: The tasks of the running project.
registry = TaskRegistry()


@overload
def task(function: Callable[P, R], /) -> Task[P, R]: ...


@overload
def task(
    *,
    name: str | None = None,
    queue: str = "default",
    priority: int = 0,
    retries: int = 0,
    backoff: float = 1.0,
    timeout: float | None = None,
    backend: str = "default",
) -> Callable[[Callable[P, R]], Task[P, R]]: ...


def task(function: Any = None, /, **options: Any) -> Any:
    """Declare a task: ``@task`` or ``@task(queue=..., retries=..., timeout=...)``.

    *retries* failed attempts are tried again after *backoff* seconds, doubling each time
    (at most an hour); *timeout* (seconds, ``async`` functions only) fails an attempt that
    runs longer; *priority*: higher runs first; *backend*: an alias of ``TASKS``.
    """
    if function is not None:
        if isinstance(function, Task):
            raise InvalidTaskError(f"{function.name!r} is declared with @task twice.")
        return Task(function, **options)
    return lambda func: task(func, **options)


def periodic(cron: str) -> Callable[[Task[P, R]], Task[P, R]]:
    """Run the task on a cron schedule (UTC), once per tick however many workers run.

    Put it above ``@task``; the task must need no arguments.
    """
    try:
        parsed = Cron.parse(cron)
    except CronError as exc:
        raise InvalidTaskError(str(exc)) from None

    def decorator(declared: Task[P, R]) -> Task[P, R]:
        if not isinstance(declared, Task):
            name = getattr(declared, "__qualname__", repr(declared))
            raise InvalidTaskError(
                f"@periodic({cron!r}) decorates {name}, which is not a task: "
                "put @periodic above @task."
            )
        if declared.schedule is not None:
            raise InvalidTaskError(f"Task {declared.name!r} already has a @periodic schedule.")
        try:
            inspect.signature(declared.func).bind()
        except TypeError:
            raise InvalidTaskError(
                f"Periodic task {declared.name!r} must be callable without arguments."
            ) from None
        declared.schedule = Schedule(parsed)
        return declared

    return decorator


def _check_declaration(declared: Task[Any, Any]) -> None:
    name = declared.name
    if not callable(declared.func):
        raise InvalidTaskError(f"@task needs a function; got {declared.func!r}.")
    _checked_queue(name, declared.queue)
    _checked_priority(name, declared.priority)
    if isinstance(declared.retries, bool) or not isinstance(declared.retries, int):
        raise InvalidTaskError(f"Task {name!r}: retries must be an int; got {declared.retries!r}.")
    if declared.retries < 0:
        raise InvalidTaskError(f"Task {name!r}: retries must be 0 or more; got {declared.retries}.")
    if not isinstance(declared.backoff, (int, float)) or declared.backoff < 0:
        raise InvalidTaskError(
            f"Task {name!r}: backoff must be a number of seconds >= 0; got {declared.backoff!r}."
        )
    if declared.timeout is not None:
        if not isinstance(declared.timeout, (int, float)) or declared.timeout <= 0:
            raise InvalidTaskError(
                f"Task {name!r}: timeout must be a positive number of seconds; "
                f"got {declared.timeout!r}."
            )
        if not declared.is_async:
            raise InvalidTaskError(
                f"Task {name!r}: timeout applies to 'async def' tasks only (a thread running "
                "a plain function cannot be stopped); make the task async or drop timeout."
            )


def _checked_queue(name: str, queue: Any) -> str:
    if not isinstance(queue, str) or not queue or len(queue) > 100 or "," in queue:
        raise InvalidTaskError(
            f"Task {name!r}: queue must be a non-empty name without commas (at most 100 "
            f"characters); got {queue!r}."
        )
    return queue


def _checked_priority(name: str, priority: Any) -> int:
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise InvalidTaskError(f"Task {name!r}: priority must be an int; got {priority!r}.")
    if not -(2**31) <= priority < 2**31:
        raise InvalidTaskError(f"Task {name!r}: priority {priority} is out of range.")
    return priority


def _run_after(name: str, value: dt.datetime | dt.timedelta) -> dt.datetime:
    if isinstance(value, dt.timedelta):
        return dt.datetime.now(dt.UTC) + value
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise InvalidTaskError(
                f"Task {name!r}: run_after={value!r} has no time zone; pass an aware "
                "datetime (datetime.now(timezone.utc) + ...) or a timedelta."
            )
        return value
    raise InvalidTaskError(
        f"Task {name!r}: run_after must be a datetime or a timedelta; got {value!r}."
    )
