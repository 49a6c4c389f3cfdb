"""Build the middleware stack from the MIDDLEWARE setting: data in, ``Middleware`` objects out.

An entry is an import string (``"framework.web.middleware.CORSMiddleware"``), a
``(string, {options})`` pair, a class, or a Starlette ``Middleware``. A class with a
``from_settings(settings)`` classmethod reads its options from settings once, here; when it
returns None the middleware is off and is left out of the stack entirely (zero cost).
Explicit options in a pair win over the settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from starlette.middleware import Middleware

from framework.exceptions import ImproperlyConfigured
from framework.module_loading import import_string

__all__ = ["build_middleware", "middleware_before_hooks", "middleware_classes", "resolve_entry"]


def resolve_entry(entry: Any) -> tuple[Any, dict[str, Any]]:
    """Return the middleware class (or factory) and options of one MIDDLEWARE *entry*."""
    if isinstance(entry, tuple | list) and len(entry) == 2 and isinstance(entry[1], Mapping):
        target, options = entry[0], dict(entry[1])
    else:
        target, options = entry, {}
    if isinstance(target, str):
        target = import_string(target, setting="MIDDLEWARE")
    if not callable(target):
        raise ImproperlyConfigured(
            f"MIDDLEWARE entry {entry!r} is not a middleware class; use an import string "
            "such as 'framework.web.middleware.GZipMiddleware'."
        )
    return target, options


def build_middleware(entries: Iterable[Any], settings: Any) -> list[Middleware]:
    """Return the ``Middleware`` list for *entries*, outermost first, reading *settings* once."""
    stack: list[Middleware] = []
    for entry in entries:
        if isinstance(entry, Middleware):
            stack.append(entry)
            continue
        cls, options = resolve_entry(entry)
        from_settings = getattr(cls, "from_settings", None)
        if from_settings is not None:
            configured = from_settings(settings)
            if configured is None and not options:
                continue
            options = {**(configured or {}), **options}
        stack.append(Middleware(cls, **options))
    return stack


def middleware_classes(entries: Iterable[Any]) -> list[type]:
    """Return the class of each MIDDLEWARE entry, in order (for system checks).

    Entries that do not import are left out (building the app reports them), and so are
    factory functions: checks ask "is this kind of middleware installed", a class question.
    """
    classes: list[type] = []
    for entry in entries:
        if isinstance(entry, Middleware):
            cls: Any = entry.cls
        else:
            try:
                cls, _ = resolve_entry(entry)
            except ImproperlyConfigured:
                continue
        if isinstance(cls, type):
            classes.append(cls)
    return classes


def middleware_before_hooks(entries: Iterable[Any]) -> list[Any]:
    """Return the ``before_request`` hooks of the MIDDLEWARE classes that have one, in order.

    A middleware that needs the route's context (its database scope: loading the user for
    ``request.user``) provides the work as a hook that every route runs first.
    """
    hooks = (getattr(cls, "before_request", None) for cls in middleware_classes(entries))
    return [hook for hook in hooks if callable(hook)]
