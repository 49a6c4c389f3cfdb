"""Discovery of the tasks in each app's ``tasks.py``; the registry itself, by name.

Tasks register themselves when their module is imported (``@task`` runs then), like models,
in the :data:`registry` that ``definitions.py`` keeps beside ``Task``. A worker receives only
a task's name, so it imports every installed app's ``tasks`` module first
(:func:`discover_tasks`), in ``INSTALLED_APPS`` order; an app whose ``tasks.py`` fails to
import is reported with its name, never skipped.
"""

from __future__ import annotations

from framework.tasks.definitions import TaskRegistry, registry

__all__ = ["TaskRegistry", "discover_tasks", "registry"]


def discover_tasks() -> TaskRegistry:
    """Import every installed app's ``tasks`` module and return the registry."""
    from framework.apps import apps

    for config in apps.get_app_configs():
        config.import_module("tasks")
    return registry
