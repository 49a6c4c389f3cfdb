"""System checks of ``TASKS``: a broken entry, and backends that cannot span processes.

``tasks.E001`` — ``TASKS`` cannot be loaded (the message names the key).
``tasks.W001`` (``--deploy``) — an in-memory backend while the project runs in several
processes or hosts: ``WEB_CONCURRENCY`` (what ``serve --workers`` defaults to) above 1, or a
PostgreSQL database, which is what several hosts share. ``serve --workers N`` with N > 1
prints the same warning when it starts.
``tasks.W002`` (``--deploy``) — the ``immediate`` backend, which runs jobs inside requests.
Backends add their own (``tasks.E002``… for ``procrastinate``).
"""

from __future__ import annotations

from typing import Any

from framework.checks import CheckMessage, Error, Warning, register

__all__ = ["check_task_backends", "check_task_deployment", "multiprocess_warnings"]

_DURABLE_HINT = (
    'Use the durable backend: pip install "framework[tasks]", add '
    "'framework.contrib.tasks' to INSTALLED_APPS, set TASKS = {'default': {'BACKEND': "
    "'procrastinate'}}, run manage.py db-upgrade and manage.py worker."
)


@register("tasks")
def check_task_backends(app_configs: Any = None) -> list[CheckMessage]:
    """Report a ``TASKS`` setting that cannot be loaded, and each backend's own problems."""
    from framework.exceptions import FrameworkError
    from framework.tasks.config import task_backends

    try:
        backends = task_backends.all()
    except FrameworkError as exc:
        return [Error(str(exc), "Fix the TASKS setting.", "tasks.E001")]
    messages: list[CheckMessage] = []
    for backend in backends.values():
        messages.extend(backend.check())
    return messages


@register("tasks", deploy=True)
def check_task_deployment(app_configs: Any = None) -> list[CheckMessage]:
    """Warn about in-memory backends where several processes or hosts serve the project."""
    return multiprocess_warnings(None)


def multiprocess_warnings(workers: int | None) -> list[CheckMessage]:
    """Return the warnings for in-memory task backends when *workers* processes serve.

    ``None`` reads ``WEB_CONCURRENCY``, as ``check --deploy`` does.
    """
    from framework.exceptions import FrameworkError
    from framework.tasks.backends.immediate import ImmediateBackend
    from framework.tasks.config import task_backends
    from framework.web.checks import scaled_out

    try:
        backends = task_backends.all()
    except FrameworkError:
        return []  # tasks.E001 reports it
    reason = scaled_out(workers)
    messages: list[CheckMessage] = []
    for alias, backend in backends.items():
        if isinstance(backend, ImmediateBackend):
            messages.append(
                Warning(
                    f"TASKS[{alias!r}] uses the 'immediate' backend, which runs every job "
                    "inside the request that enqueues it (it is meant for tests).",
                    _DURABLE_HINT,
                    "tasks.W002",
                )
            )
        elif not backend.durable and reason:
            messages.append(
                Warning(
                    f"TASKS[{alias!r}] uses the {backend.name or type(backend).__name__!r} "
                    f"backend while {reason}: each job lives in the memory of the process "
                    "that enqueued it, is lost when that process stops, and no other "
                    "process or host sees it (periodic tasks would run once per process).",
                    _DURABLE_HINT,
                    "tasks.W001",
                )
            )
    return messages
