"""The current application: one per request, per management command, per test.

A context variable, so two applications serving in one process (concurrent requests are
separate tasks, servers may run in threads) each see their own. The web ``App`` sets it
around every ASGI call; the CLI sets a *deferred* one around every project command, so the
project's app is built only if the command asks for it (``url_for()`` in a command, or in a
task the worker runs); the test plugin's ``app`` fixture sets it for its test. It sits below
every layer so that the CLI can set it without importing the web layer (``--help`` and
commands that never serve stay fast).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["CURRENT_APP", "Deferred", "active", "using"]

#: The current application, or a :class:`Deferred` that makes it on first use.
CURRENT_APP: ContextVar[object | None] = ContextVar("framework.current_app", default=None)


class Deferred:
    """An application made by *factory* the first time it is asked for, then kept."""

    def __init__(self, factory: Callable[[], object]) -> None:
        self.factory = factory
        self._value: object | None = None
        self._lock = threading.Lock()

    def resolve(self) -> object:
        """Return the application, making it on the first call (once, whatever the threads)."""
        with self._lock:
            if self._value is None:
                self._value = self.factory()
            return self._value


def active() -> object | None:
    """Return the current application (making a deferred one now), or None outside one."""
    value = CURRENT_APP.get()
    return value.resolve() if isinstance(value, Deferred) else value


@contextmanager
def using(app: object) -> Iterator[None]:
    """Make *app* (an application or a :class:`Deferred`) current inside the ``with`` block."""
    token = CURRENT_APP.set(app)
    try:
        yield
    finally:
        CURRENT_APP.reset(token)
