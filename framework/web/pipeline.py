"""The endpoint pipeline: what decorators may attach to a handler, and how it is composed.

Every handler function carries an :class:`EndpointSpec` (``endpoint_spec(func)``) with

* ``routes`` — the ``@get``/``@post``/``@websocket``/``@sse`` declarations on it;
* ``steps`` — pipeline steps added by decorators such as ``@input``, ``@output`` or
  ``@authenticate``;
* ``meta`` — free-form metadata for other layers (OpenAPI documentation, roles, schemas).

A **step** wraps the next call of the pipeline: it receives ``call(request, kwargs)`` and
returns a new one. It may inspect or reject the request (raise ``HTTPException``), add
keyword arguments for the handler (``kwargs["data"] = ...``), or transform the result::

    def require_json(call):
        async def step(request, kwargs):
            kwargs["data"] = await request.json()
            return await call(request, kwargs)
        return step

    def input(schema):
        def decorator(func):
            endpoint_spec(func).add_step(require_json)
            return func
        return decorator

Steps compose in decoration order: the decorator nearest the function is the innermost
step, so ``@authenticate`` above ``@input`` rejects a request before its body is parsed.
The composed call is built once, when the app is built; requests pay nothing for it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool

if TYPE_CHECKING:
    from framework.web.requests import Request

__all__ = [
    "Call",
    "ClassStep",
    "EndpointSpec",
    "RouteDecl",
    "Step",
    "add_class_step",
    "class_steps",
    "compose",
    "endpoint_spec",
    "get_endpoint_spec",
]

#: ``call(request, kwargs)``: the next part of the pipeline; kwargs become handler arguments.
Call = Callable[["Request", dict[str, Any]], Awaitable[Any]]
#: A step turns the next call into a new call.
Step = Callable[[Call], Call]

_ATTRIBUTE = "__framework_endpoint__"


@dataclass
class RouteDecl:
    """One route declared on a handler (``@get("/")``): path, methods, kind and options."""

    path: str
    methods: tuple[str, ...]
    #: ``"http"``, ``"websocket"`` or ``"sse"``.
    kind: str = "http"
    name: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class EndpointSpec:
    """What the framework knows about one handler function."""

    routes: list[RouteDecl] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def add_step(self, step: Step) -> None:
        """Add *step* around the steps added so far (call it from a decorator)."""
        self.steps.append(step)

    def restrict_kinds(self, decorator: str, kinds: tuple[str, ...], reason: str) -> None:
        """Refuse, when the app is built, a route of another kind than *kinds* (say *reason*).

        A decorator whose step cannot work on some route kinds (``@cache_page`` on a
        WebSocket) calls this, so a wrong declaration fails at build instead of being
        ignored: ``check_route_kind`` raises ``ImproperlyConfigured`` naming the route.
        """
        self.meta.setdefault("route_kinds", {})[decorator] = (kinds, reason)

    def check_route_kind(self, kind: str, route_name: str) -> None:
        """Raise ``ImproperlyConfigured`` if a decorator on this handler refuses *kind*."""
        for decorator, (kinds, reason) in self.meta.get("route_kinds", {}).items():
            if kind not in kinds:
                from framework.exceptions import ImproperlyConfigured

                raise ImproperlyConfigured(
                    f"@{decorator} cannot be used on {route_name} (a {kind} route): {reason}"
                )


@dataclass(frozen=True)
class ClassStep:
    """A step a decorator put on a whole Controller class: it wraps each of its routes."""

    decorator: str
    step: Step
    kinds: tuple[str, ...]
    #: Why other route kinds are refused (for the build error).
    reason: str


_CLASS_ATTRIBUTE = "__framework_class_steps__"


def add_class_step(
    cls: type, decorator: str, step: Step, kinds: tuple[str, ...], reason: str
) -> None:
    """Wrap every route of the Controller *cls* (and its subclasses) in *step*.

    Class steps run outside the steps of the methods, a base class's outside its
    subclass's; a route of a kind not in *kinds* makes the build fail, naming the route.
    """
    steps = list(cls.__dict__.get(_CLASS_ATTRIBUTE, ()))
    steps.append(ClassStep(decorator, step, kinds, reason))
    setattr(cls, _CLASS_ATTRIBUTE, tuple(steps))


def class_steps(cls: type) -> list[ClassStep]:
    """Return the class steps of *cls* and its bases, innermost (the subclass's) first."""
    return [step for klass in cls.__mro__ for step in klass.__dict__.get(_CLASS_ATTRIBUTE, ())]


def endpoint_spec(func: Callable[..., Any]) -> EndpointSpec:
    """Return the :class:`EndpointSpec` of *func*, creating it on first use."""
    target = func.__func__ if isinstance(func, classmethod | staticmethod) else func
    spec = target.__dict__.get(_ATTRIBUTE)
    if spec is None:
        spec = EndpointSpec()
        setattr(target, _ATTRIBUTE, spec)
    return spec


def get_endpoint_spec(obj: Any) -> EndpointSpec | None:
    """Return the :class:`EndpointSpec` of *obj* if it has one (no side effect)."""
    target = getattr(obj, "__func__", obj)
    namespace = getattr(target, "__dict__", None)
    return namespace.get(_ATTRIBUTE) if namespace is not None else None


def innermost_call(handler: Callable[..., Any]) -> Call:
    """Return the call that invokes *handler* (sync handlers run in a worker thread)."""
    if is_async_callable(handler):

        async def call(request: Request, kwargs: dict[str, Any]) -> Any:
            return await handler(request, **kwargs)

    else:

        async def call(request: Request, kwargs: dict[str, Any]) -> Any:
            return await run_in_threadpool(handler, request, **kwargs)

    return call


def compose(spec: EndpointSpec | None, call: Call) -> Call:
    """Wrap *call* in the steps of *spec*, innermost first."""
    for step in spec.steps if spec is not None else ():
        call = step(call)
    return call


def is_async_callable(obj: Any) -> bool:
    """Return whether calling *obj* returns an awaitable (functions, methods, partials)."""
    while isinstance(obj, functools.partial):
        obj = obj.func
    return inspect.iscoroutinefunction(obj) or inspect.iscoroutinefunction(
        getattr(obj, "__call__", None)  # noqa: B004 - async __call__ of instances
    )


def ensure_async(func: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    """Return *func* as an async callable; a sync hook runs inline (hooks must be quick)."""
    if is_async_callable(func):
        return func

    async def run(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return functools.update_wrapper(run, func)
