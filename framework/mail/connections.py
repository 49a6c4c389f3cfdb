"""Choosing the backend (``EMAIL_BACKEND``) and running async sends from synchronous code."""

from __future__ import annotations

import asyncio
import concurrent.futures
import difflib
from collections.abc import Coroutine
from typing import Any, TypeVar

from framework.exceptions import ImproperlyConfigured
from framework.mail.backends.base import BaseEmailBackend

__all__ = ["BACKENDS", "get_connection", "resolve_backend", "run_sync"]

T = TypeVar("T")

#: Short names accepted in EMAIL_BACKEND, and the classes they stand for.
BACKENDS = {
    "smtp": "framework.mail.backends.smtp.EmailBackend",
    "console": "framework.mail.backends.console.EmailBackend",
    "file": "framework.mail.backends.filebased.EmailBackend",
    "locmem": "framework.mail.backends.locmem.EmailBackend",
    "dummy": "framework.mail.backends.dummy.EmailBackend",
}


def resolve_backend(name: str, setting: str = "EMAIL_BACKEND") -> type[BaseEmailBackend]:
    """Return the backend class for a short name or a dotted path."""
    from framework.module_loading import import_string

    if not name:
        raise ImproperlyConfigured(f"{setting} is empty: use one of {', '.join(BACKENDS)}.")
    if name in BACKENDS:
        path = BACKENDS[name]
    elif "." in name or ":" in name:
        path = name
    else:
        close = difflib.get_close_matches(name, BACKENDS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ImproperlyConfigured(
            f"{setting} {name!r} is not a mail backend: use one of {', '.join(BACKENDS)} or a "
            f"dotted path to a class.{hint}"
        )
    backend = import_string(path, setting=setting)
    if not (isinstance(backend, type) and issubclass(backend, BaseEmailBackend)):
        raise ImproperlyConfigured(
            f"{setting} {name!r} is not a subclass of framework.mail.backends.BaseEmailBackend."
        )
    return backend


def get_connection(
    backend: str | None = None, fail_silently: bool = False, **options: Any
) -> BaseEmailBackend:
    """Return a backend instance: *backend* (a short name or dotted path) or EMAIL_BACKEND.

    *options* override the settings the backend reads (``host=``, ``port=``…).
    """
    if backend is None:
        from framework.conf import settings

        backend = str(settings.EMAIL_BACKEND)
    return resolve_backend(backend)(fail_silently=fail_silently, **options)


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run *coroutine* to completion from synchronous code, inside an event loop or not.

    Called from a thread whose event loop is running (synchronous code in an async app),
    the coroutine runs in a worker thread with a loop of its own: this call blocks, as any
    synchronous send does.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
