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

Handler decorators written on the class (``@authenticate(...)`` above ``class``) apply to
every route of the class and of its subclasses, outside the methods' own decorators; a
method marked ``@error_handler(...)`` handles errors of this controller's routes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any, ClassVar

from framework.exceptions import ImproperlyConfigured
from framework.web.hooks import Declaration, declarations_of, error_handler
from framework.web.pipeline import EndpointSpec, RouteDecl, get_endpoint_spec
from framework.web.routing import Router, check_path

__all__ = ["Controller", "ModuleContents", "discover", "error_handler"]


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
    def class_specs(cls) -> list[EndpointSpec]:
        """Return the specs of decorators written on this class and its bases, base first."""
        specs = (get_endpoint_spec(klass) for klass in reversed(cls.__mro__))
        return [spec for spec in specs if spec is not None]

    @classmethod
    def error_handler_declarations(cls) -> list[Declaration]:
        """Return the ``@error_handler`` declarations on methods, base classes first."""
        found: dict[str, list[Declaration]] = {}
        for klass in reversed(cls.__mro__):
            for name, value in vars(klass).items():
                declared = [
                    d for d in declarations_of(value, klass.__module__) if d.kind == "error_handler"
                ]
                if declared:
                    found[name] = declared
                else:
                    found.pop(name, None)  # overridden by a plain method
        return [declaration for declared in found.values() for declaration in declared]

    @classmethod
    def has_hooks(cls) -> tuple[bool, bool]:
        """Return whether ``before_request`` and ``after_request`` are overridden."""
        return (
            cls.before_request is not Controller.before_request,
            cls.after_request is not Controller.after_request,
        )


class ModuleContents:
    """What one controllers module declares: controllers, routers, error handlers, hooks."""

    def __init__(self) -> None:
        self.controllers: list[type[Controller]] = []
        self.routers: list[Router] = []
        self.error_handlers: list[tuple[int | type[BaseException], Callable[..., Any]]] = []
        self.before: list[Callable[..., Any]] = []
        self.after: list[Callable[..., Any]] = []
        #: Every declaration registered from this module (the build checks none is lost).
        self.declarations: list[Declaration] = []

    def add(self, declaration: Declaration, func: Callable[..., Any]) -> None:
        """Register *declaration*, served by *func* (a function or a bound method)."""
        self.declarations.append(declaration)
        if declaration.kind == "error_handler":
            self.error_handlers.extend((key, func) for key in declaration.keys)
        elif declaration.kind == "before_request":
            self.before.append(func)
        else:
            self.after.append(func)


def discover(module: ModuleType, package: str) -> ModuleContents:
    """Collect what *module* declares for the app *package*, in definition order.

    Controllers count when they belong to *package* (imported base classes from elsewhere do
    not); module-level ``Router`` objects always count; ``@error_handler``, ``@before_request``
    and ``@after_request`` functions count when the module names them, defined there or
    imported; so do ``@error_handler`` methods of other classes (exception-handler classes,
    instantiated once).
    """
    found = ModuleContents()
    seen: set[int] = set()
    for value in list(vars(module).values()):
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, Router):
            found.routers.append(value)
        elif inspect.isclass(value) and issubclass(value, Controller):
            if _belongs(value, package):
                # Its @error_handler methods serve its routes (an abstract base's: its
                # subclasses' routes), so they are registered with it.
                found.declarations.extend(value.error_handler_declarations())
                if value.handlers and not value.__dict__.get("abstract", False):
                    found.controllers.append(value)
        elif inspect.isclass(value):
            _handler_class(value, found)
        else:
            for declaration in declarations_of(value, module.__name__):
                found.add(declaration, value)
    _refuse_loose_routes(module, found)
    return found


def _refuse_loose_routes(module: ModuleType, found: ModuleContents) -> None:
    """Refuse a module-level function with a route decorator that no Router serves."""
    served = {id(func) for router in found.routers for func, _ in router.entries}
    for name, value in vars(module).items():
        spec = get_endpoint_spec(value) if inspect.isfunction(value) else None
        if spec is None or not spec.routes or id(value) in served:
            continue
        if getattr(value, "__module__", None) != module.__name__:
            continue  # imported from elsewhere: served (or refused) where it is declared
        decl = spec.routes[0]
        raise ImproperlyConfigured(
            f"{module.__name__}.{name} is declared as a route ({decl.kind} {decl.path!r}) but "
            "no Router or Controller serves it: use @router.get(...) on a module-level "
            "Router, or make it a Controller method."
        )


def _handler_class(cls: type, found: ModuleContents) -> None:
    """Register the ``@error_handler`` methods of *cls* (an exception-handler class)."""
    methods = [
        (name, declaration)
        for name, value in vars(cls).items()
        for declaration in declarations_of(value, cls.__module__)
        if declaration.kind == "error_handler"
    ]
    if not methods:
        return
    try:
        instance = cls()
    except TypeError as exc:
        raise ImproperlyConfigured(
            f"{cls.__module__}.{cls.__qualname__} has @error_handler methods, so it is created "
            f"once with no arguments; it could not be: {exc}."
        ) from exc
    for name, declaration in methods:
        found.add(declaration, getattr(instance, name))


def _belongs(value: Any, package: str) -> bool:
    module = getattr(value, "__module__", None) or ""
    return module == package or module.startswith(package + ".")
