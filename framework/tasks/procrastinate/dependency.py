"""The ``framework[tasks]`` extra: Procrastinate at the version whose schema we migrate."""

from __future__ import annotations

import importlib.util
from importlib import metadata

from framework.exceptions import ImproperlyConfigured, MissingDependencyError

__all__ = ["PROCRASTINATE_VERSION", "require_procrastinate"]

#: The Procrastinate release whose schema ``framework.contrib.tasks`` migrations create.
PROCRASTINATE_VERSION = "3.10.0"


def require_procrastinate(feature: str) -> None:
    """Raise one clear line unless Procrastinate and psycopg are installed, at our version."""
    for module in ("procrastinate", "psycopg"):
        if importlib.util.find_spec(module) is None:
            raise MissingDependencyError(module, extra="tasks", feature=feature)
    installed = metadata.version("procrastinate")
    if installed != PROCRASTINATE_VERSION:
        raise ImproperlyConfigured(
            f"procrastinate {installed} is installed but the framework's job tables are those "
            f'of procrastinate {PROCRASTINATE_VERSION}: pip install "framework[tasks]" '
            f"(which pins procrastinate=={PROCRASTINATE_VERSION})."
        )
