"""Choosing the backend: ``EMAIL_BACKEND`` (a short name or a dotted path) to an instance."""

from __future__ import annotations

import difflib
from typing import Any

from framework.exceptions import ImproperlyConfigured
from framework.mail.backends.base import BaseEmailBackend

__all__ = ["BACKENDS", "get_connection", "resolve_backend"]

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
