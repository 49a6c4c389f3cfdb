"""``BROADCAST`` → a backend: short names or dotted paths, every key checked.

::

    BROADCAST = {"BACKEND": "redis", "LOCATION": "redis://127.0.0.1:6379/0",
                 "OPTIONS": {"history": 1000, "max_queue": 1000}}

A misspelt key or option is an error naming it (with "Did you mean …?"), never ignored.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from framework.exceptions import ImproperlyConfigured

__all__ = ["BACKENDS", "DEFAULT_MAX_QUEUE", "BroadcastConfig", "load_broadcast_config"]

#: Short backend names and the classes they stand for.
BACKENDS = {
    "memory": "framework.web.broadcasting.memory.MemoryBackend",
    "redis": "framework.web.broadcasting.redis.RedisBackend",
    "postgres": "framework.web.broadcasting.postgres.PostgresBackend",
}
#: Events waiting for one subscriber before it is disconnected as too slow.
DEFAULT_MAX_QUEUE = 1000
_KEYS = ("BACKEND", "LOCATION", "OPTIONS")
_COMMON_OPTIONS = frozenset({"max_queue"})


def _unknown(kind: str, name: str, known: list[str]) -> str:
    message = f"BROADCAST has an unknown {kind} {name!r} (known: {', '.join(sorted(known))})."
    close = difflib.get_close_matches(name, known, n=1)
    return message + (f" Did you mean {close[0]!r}?" if close else "")


@dataclass(frozen=True)
class BroadcastConfig:
    """The parsed setting: the backend class, its LOCATION and OPTIONS, the queue bound."""

    backend: str
    backend_class: type[Any]
    location: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    max_queue: int = DEFAULT_MAX_QUEUE

    def create_backend(self) -> Any:
        """Return a new backend instance (one per event loop)."""
        return self.backend_class(self.location, self.options)


def load_broadcast_config(value: Mapping[str, Any] | None) -> BroadcastConfig:
    """Return the configuration *value* (``BROADCAST``) describes; refuse what it cannot."""
    from framework.module_loading import import_string

    value = dict(value or {"BACKEND": "memory"})
    for key in value:
        if key not in _KEYS:
            raise ImproperlyConfigured(_unknown("key", key, list(_KEYS)))
    backend = str(value.get("BACKEND") or "memory")
    target = BACKENDS.get(backend, backend)
    if "." not in target:
        raise ImproperlyConfigured(_unknown("BACKEND", backend, list(BACKENDS)))
    backend_class = import_string(target)
    options = dict(value.get("OPTIONS") or {})
    allowed = _COMMON_OPTIONS | getattr(backend_class, "option_names", frozenset())
    for name in options:
        if name not in allowed:
            raise ImproperlyConfigured(_unknown(f"{backend} option", name, list(allowed)))
    max_queue = options.pop("max_queue", DEFAULT_MAX_QUEUE)
    if not isinstance(max_queue, int) or max_queue < 1:
        raise ImproperlyConfigured(
            f"BROADCAST OPTIONS 'max_queue' is {max_queue!r}: give the number of events that "
            f"may wait for one subscriber (at least 1; default {DEFAULT_MAX_QUEUE})."
        )
    return BroadcastConfig(
        backend=backend,
        backend_class=backend_class,
        location=str(value.get("LOCATION") or ""),
        options=options,
        max_queue=max_queue,
    )
