"""``Controller``: a class of related handlers under one path, with before/after hooks.

::

    class PostController(Controller):
        path = "/posts"

        async def before_request(self, request):
            request.state.started = True         # return a Response to answer early

        @get("/")
        async def index(self, request):
            return {"posts": []}

        @get("/{id:int}")
        async def show(self, request, id):
            return {"id": id}

Routes are named ``"<Class>.<method>"`` for ``url_for``. Routes of a base class are
inherited; a subclass method of the same name replaces the base one. A base meant only for
inheritance sets ``abstract = True``. One instance serves every request of the app, so keep
per-request data on ``request.state``, not on ``self``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any, ClassVar

from framework.web.pipeline import RouteDecl, get_endpoint_spec
from framework.web.routing import Router, check_path

__all__ = ["Controller", "ModuleContents", "discover", "error_handler"]

_ERROR_HANDLER_ATTRIBUTE = "__framework_error_handler__"


class Controller:
    """Base class of controllers; subclass it in an app's ``controllers.py``."""

    #: Path prefix of every route of the controller (after the app's ``url_prefix``).
    path: ClassVar[str] = ""
    #: True for a base class whose routes are only inherited, never served as they are.
    abstract: ClassVar[bool] = False
    #: Handler methods by name, in definition order (base classes first); set per subclass.
    handlers: ClassVar[dict[str, Callable[..., Any]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_path(cls.path, f"{cls.__qualname__}.path")
        handlers: dict[str, Callable[..., Any]] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                spec = get_endpoint_spec(value)
                if spec is not None and spec.routes:
                    handlers[name] = value
                elif name in handlers:  # overridden by a plain method: no longer a route
                    del handlers[name]
        cls.handlers = handlers

    async def before_request(self, request: Any) -> Any:
        """Run before each handler of this controller; return a Response to answer early."""
        return None

    async def after_request(self, request: Any, response: Any) -> Any:
        """Run after each handler of this controller; return a Response to replace it."""
        return None

    @classmethod
    def routes(cls) -> Iterator[tuple[str, Callable[..., Any], RouteDecl]]:
        """Yield ``(method name, function, declaration)`` for every route, in order."""
        for name, func in cls.handlers.items():
            spec = get_endpoint_spec(func)
            for decl in spec.routes if spec is not None else ():
                yield name, func, decl

    @classmethod
    def route_name(cls, method_name: str, decl: RouteDecl) -> str:
        """Return the ``url_for`` name of a route: ``"PostController.index"``."""
        return decl.name or f"{cls.__name__}.{method_name}"

    @classmethod
    def has_hooks(cls) -> tuple[bool, bool]:
        """Return whether ``before_request`` and ``after_request`` are overridden."""
        return (
            cls.before_request is not Controller.before_request,
            cls.after_request is not Controller.after_request,
        )


def error_handler(*keys: int | type[BaseException]) -> Callable[[Callable[..., Any]], Any]:
    """Mark a function in an app's ``controllers.py`` as that app's handler for *keys*.

    Keys are status codes or exception classes; the handler ``(request, exc)`` applies to
    the app's routes and to unknown paths under its ``url_prefix``.
    """
    if not keys:
        raise TypeError("error_handler() needs at least one status code or exception class.")

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        setattr(func, _ERROR_HANDLER_ATTRIBUTE, keys)
        return func

    return decorator


class ModuleContents:
    """The controllers, routers and error handlers found in one app's controllers module."""

    def __init__(self) -> None:
        self.controllers: list[type[Controller]] = []
        self.routers: list[Router] = []
        self.error_handlers: list[tuple[int | type[BaseException], Callable[..., Any]]] = []


def discover(module: ModuleType, package: str) -> ModuleContents:
    """Collect what *module* defines for the app *package*, in definition order.

    Controllers and error handlers count when they belong to *package* (imported base
    classes from elsewhere do not); module-level ``Router`` objects always count.
    """
    found = ModuleContents()
    seen: set[int] = set()
    for value in list(vars(module).values()):
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, Router):
            found.routers.append(value)
        elif _belongs(value, package) and inspect.isclass(value) and issubclass(value, Controller):
            if not value.__dict__.get("abstract", False) and value.handlers:
                found.controllers.append(value)
        elif _belongs(value, package) and hasattr(value, _ERROR_HANDLER_ATTRIBUTE):
            for key in getattr(value, _ERROR_HANDLER_ATTRIBUTE):
                found.error_handlers.append((key, value))
    return found


def _belongs(value: Any, package: str) -> bool:
    module = getattr(value, "__module__", None) or ""
    return module == package or module.startswith(package + ".")
