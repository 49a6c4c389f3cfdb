"""Every declared task by name, and their discovery in each app's ``tasks.py``.

Tasks register themselves when their module is imported (``@task`` runs then), like models.
A worker receives only a task's name, so it imports every installed app's ``tasks`` module
first (:func:`discover_tasks`), in ``INSTALLED_APPS`` order; an app whose ``tasks.py`` fails
to import is reported with its name, never skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from framework.tasks.exceptions import InvalidTaskError

if TYPE_CHECKING:
    from framework.tasks.definitions import Task

__all__ = ["TaskRegistry", "discover_tasks", "registry"]


class TaskRegistry:
    """The tasks of the running project, by name."""

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


def discover_tasks() -> TaskRegistry:
    """Import every installed app's ``tasks`` module and return the registry."""
    from framework.apps import apps

    for config in apps.get_app_configs():
        config.import_module("tasks")
    return registry


#: The tasks of the running project.
registry = TaskRegistry()
