"""The ``tasks`` app's configuration: its migrations go to the job database."""

from __future__ import annotations

from types import ModuleType

from framework.apps import AppConfig

__all__ = ["TasksConfig"]


class TasksConfig(AppConfig):
    """Job tables for the ``procrastinate`` backend, on the alias its OPTIONS name."""

    label = "tasks"
    verbose_name = "Tasks"

    def __init__(self, app_name: str, app_module: ModuleType) -> None:
        super().__init__(app_name, app_module)
        self.database = job_database()


def job_database() -> str:
    """Return the database alias of the first ``procrastinate`` entry of ``TASKS``."""
    from framework.conf import settings

    tasks = settings.get("TASKS", {})
    if isinstance(tasks, dict):
        for entry in tasks.values():
            if isinstance(entry, dict) and entry.get("BACKEND") in (
                "procrastinate",
                "framework.tasks.procrastinate.backend.ProcrastinateBackend",
            ):
                options = entry.get("OPTIONS") or {}
                return str(options.get("database", "default"))
    return "default"
