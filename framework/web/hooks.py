"""Declarations a controllers module makes for its whole app: error handlers and request hooks.

::

    from framework.web import after_request, before_request, error_handler

    @error_handler(404, LookupError)
    async def not_found(request, exc):
        return {"detail": "Nothing here."}, 404

    @before_request
    async def stamp(request):
        request.state.started = time.monotonic()   # return a value to answer early

    @after_request
    async def tag(request, response):
        response.headers["x-app"] = "blog"

In an app's ``controllers.py`` they apply to that app's routes (error handlers also to
unknown paths under its ``url_prefix``); in the project's ``controllers.py`` (the
ROOT_CONTROLLERS module) to every route. A function counts where the decorator is applied,
or where it is imported: ``error_handler(409)(shared.conflict)`` in a controllers module
registers a function defined elsewhere (for that module only); a function decorated where
it is defined counts in every controllers module that imports it. A declaration made in a
module that no controllers module includes is refused when the project is built — never
silently dropped.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import MethodType
from typing import Any, TypeVar

from framework.exceptions import ImproperlyConfigured

__all__ = [
    "Declaration",
    "after_request",
    "before_request",
    "declarations_of",
    "error_handler",
    "refuse_unregistered",
    "unregistered_declarations",
]

F = TypeVar("F", bound=Callable[..., Any])

_ATTRIBUTE = "__framework_declarations__"
#: Every declaration made so far, in order: what the build checks was registered somewhere.
_MADE: list[Declaration] = []


@dataclass(frozen=True, eq=False)
class Declaration:
    """One use of ``@error_handler(...)``, ``@before_request`` or ``@after_request``."""

    #: ``"error_handler"``, ``"before_request"`` or ``"after_request"``.
    kind: str
    func: Callable[..., Any]
    #: The module in which the decorator was applied.
    module: str
    #: The module that defines the function (where it was when decorated).
    defined_in: str
    #: Status codes and exception classes (error handlers only).
    keys: tuple[int | type[BaseException], ...] = ()

    def describe(self) -> str:
        """Return how the source spells it: ``@error_handler(404) on blog.errors.missing``."""
        keys = ", ".join(k.__name__ if isinstance(k, type) else str(k) for k in self.keys)
        call = f"({keys})" if self.kind == "error_handler" else ""
        module = getattr(self.func, "__module__", "?")
        return f"@{self.kind}{call} on {module}.{getattr(self.func, '__qualname__', '?')}"


def _declare(kind: str, func: F, keys: tuple[Any, ...] = ()) -> F:
    if not callable(func):
        raise TypeError(f"@{kind} decorates a function; got {func!r}.")
    # The caller's caller is the module whose code applies the decorator (not the function's
    # own module: a function imported from elsewhere is declared where it is decorated).
    module = str(sys._getframe(2).f_globals.get("__name__", ""))
    declaration = Declaration(kind, func, module, str(getattr(func, "__module__", "")), keys)
    target = func.__func__ if isinstance(func, MethodType | staticmethod | classmethod) else func
    existing = target.__dict__.get(_ATTRIBUTE)
    if existing is None:
        setattr(target, _ATTRIBUTE, [declaration])
    else:
        existing.append(declaration)
    _MADE.append(declaration)
    return func


def error_handler(*keys: int | type[BaseException]) -> Callable[[F], F]:
    """Mark ``handler(request, exc)`` as the handler for status codes and exception classes.

    In a controllers module it serves that app (or, in ROOT_CONTROLLERS, the project); on a
    method of a ``Controller`` it serves that controller's routes; on a method of another
    class in a controllers module (an exception-handler class) it serves the module's app.
    """
    if not keys:
        raise TypeError("error_handler() needs at least one status code or exception class.")

    def decorator(func: F) -> F:
        return _declare("error_handler", func, keys)

    return decorator


def before_request(func: F) -> F:
    """Run ``func(request)`` before each handler of the module's app (ROOT_CONTROLLERS: all)."""
    return _declare("before_request", func)


def after_request(func: F) -> F:
    """Run ``func(request, response)`` after each handler of the module's app (or all)."""
    return _declare("after_request", func)


def declarations_of(value: Any, module: str) -> list[Declaration]:
    """Return the declarations on *value* that count in *module*.

    Those applied in *module* itself, and those applied where the function is defined (a
    handler decorated in ``errors.py`` counts in every controllers module that imports it).
    A function decorated in another controllers module is that module's handler only.
    """
    target = value.__func__ if isinstance(value, MethodType | staticmethod | classmethod) else value
    try:  # not getattr(): a module may hold proxies whose __getattr__ must not run here
        namespace = object.__getattribute__(target, "__dict__")
    except AttributeError:
        return []
    return [
        declaration
        for declaration in namespace.get(_ATTRIBUTE, ())
        if declaration.module in (module, declaration.defined_in)
    ]


def unregistered_declarations(packages: Iterable[str], registered: set[int]) -> list[Declaration]:
    """Return declarations made inside *packages* whose function no discovery registered.

    *registered* holds the ``id`` of each registered declaration.
    """
    roots = tuple(packages)
    inside = tuple(root + "." for root in roots)
    return [
        declaration
        for declaration in _MADE
        if id(declaration) not in registered
        and (declaration.module in roots or declaration.module.startswith(inside))
    ]


def refuse_unregistered(declarations: list[Declaration]) -> None:
    """Raise ``ImproperlyConfigured`` naming the first declaration nothing registered."""
    if not declarations:
        return
    first = declarations[0]
    raise ImproperlyConfigured(
        f"{first.describe()} (applied in {first.module}) is never registered: these "
        "declarations are read from an app's controllers module (or the project's, "
        "ROOT_CONTROLLERS); import the function there, or apply the decorator there."
    )
