"""``TASKS``: one backend per alias, built on first use and rebuilt when settings change.

::

    TASKS = {"default": {"BACKEND": "procrastinate", "OPTIONS": {"database": "default"}}}

``BACKEND`` is a short name (``immediate``, ``inprocess``, ``procrastinate``) or the dotted
path of a :class:`~framework.tasks.backends.BaseTaskBackend` subclass. A mistake is one
line naming the key; a backend whose extra is not installed names the ``pip install``.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Mapping
from typing import Any

from framework.exceptions import ImproperlyConfigured
from framework.tasks.backends.base import BaseTaskBackend

__all__ = ["BACKENDS", "TaskBackends", "backend_class", "task_backends"]

#: Short names of the built-in backends.
BACKENDS = {
    "immediate": "framework.tasks.backends.immediate.ImmediateBackend",
    "inprocess": "framework.tasks.backends.inprocess.InProcessBackend",
    "procrastinate": "framework.tasks.procrastinate.backend.ProcrastinateBackend",
}
_KEYS = {"BACKEND", "OPTIONS"}


def backend_class(alias: str, name: Any) -> type[BaseTaskBackend]:
    """Return the backend class that ``TASKS[alias]['BACKEND']`` names."""
    from framework.module_loading import import_string

    if not isinstance(name, str) or not name:
        raise ImproperlyConfigured(
            f"TASKS[{alias!r}]['BACKEND'] must be a backend name or dotted path; got {name!r}."
        )
    if name == "procrastinate":
        from framework.tasks.procrastinate.dependency import require_procrastinate

        require_procrastinate(f"TASKS[{alias!r}] (BACKEND 'procrastinate')")
    path = BACKENDS.get(name)
    if path is None and "." not in name:
        close = difflib.get_close_matches(name, list(BACKENDS), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ImproperlyConfigured(
            f"TASKS[{alias!r}]['BACKEND'] is {name!r}, which is neither a built-in backend "
            f"({', '.join(BACKENDS)}) nor a dotted path.{hint}"
        )
    cls = import_string(path or name, setting=f"TASKS[{alias!r}]['BACKEND']")
    if not (isinstance(cls, type) and issubclass(cls, BaseTaskBackend)):
        raise ImproperlyConfigured(
            f"TASKS[{alias!r}]['BACKEND'] {name!r} is not a BaseTaskBackend subclass."
        )
    return cls


def _load(tasks: Any) -> dict[str, BaseTaskBackend]:
    if not isinstance(tasks, Mapping) or "default" not in tasks:
        raise ImproperlyConfigured(
            "TASKS must be a dict of alias -> {'BACKEND': ..., 'OPTIONS': {...}} with a "
            f"'default' alias; got {tasks!r}."
        )
    backends: dict[str, BaseTaskBackend] = {}
    for alias, entry in tasks.items():
        if not isinstance(entry, Mapping):
            raise ImproperlyConfigured(
                f"TASKS[{alias!r}] must be a dict with 'BACKEND'; got {entry!r}."
            )
        unknown = sorted(set(entry) - _KEYS)
        if unknown:
            raise ImproperlyConfigured(
                f"TASKS[{alias!r}] has unknown key {unknown[0]!r}; use 'BACKEND' and 'OPTIONS'."
            )
        options = entry.get("OPTIONS") or {}
        if not isinstance(options, Mapping):
            raise ImproperlyConfigured(f"TASKS[{alias!r}]['OPTIONS'] must be a dict.")
        backends[alias] = backend_class(alias, entry.get("BACKEND"))(alias, options)
    return backends


class TaskBackends:
    """The backends of ``TASKS``: ``task_backends["default"]``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings: Any = None
        self._backends: dict[str, BaseTaskBackend] = {}

    def all(self) -> dict[str, BaseTaskBackend]:
        """Return every configured backend by alias (building them if settings changed)."""
        from framework.conf import settings

        current = settings.wrapped
        if current is self._settings:
            return self._backends
        with self._lock:
            if current is not self._settings:
                self._backends = _load(current.TASKS)
                self._settings = current
            return self._backends

    def __getitem__(self, alias: str) -> BaseTaskBackend:
        backends = self.all()
        try:
            return backends[alias]
        except KeyError:
            close = difflib.get_close_matches(alias, list(backends), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ImproperlyConfigured(
                f"The task backend {alias!r} is not in TASKS (known: "
                f"{', '.join(map(repr, backends))}).{hint}"
            ) from None


#: The task backends of the running project.
task_backends = TaskBackends()
