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

Every handler decorator the framework ships is a registered :class:`HandlerDecorator`
(:func:`handler_decorator`): a name, the route kinds (:data:`ROUTE_KINDS`) it takes effect on,
and whether it may decorate a whole ``Controller`` class. The build refuses a decorator on a
route kind it cannot serve, naming the route and the decorator, so no declaration is ever
accepted and ignored. Steps added without a registered decorator count as a custom step,
which serves HTTP and event-stream routes.
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from starlette.concurrency import run_in_threadpool

from framework.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from starlette.requests import HTTPConnection


__all__ = [
    "CUSTOM_STEP",
    "ROUTE_KINDS",
    "Call",
    "EndpointSpec",
    "HandlerDecorator",
    "RouteDecl",
    "RouteKind",
    "Step",
    "compose",
    "endpoint_spec",
    "get_endpoint_spec",
    "handler_decorator",
    "handler_decorators",
    "merge_specs",
]

#: ``call(connection, kwargs)``: the next part of the pipeline; kwargs become handler arguments.
#: The connection is a Request, or a WebSocket for the steps a WebSocket route accepts.
Call = Callable[["HTTPConnection", dict[str, Any]], Awaitable[Any]]
#: A step turns the next call into a new call.
Step = Callable[[Call], Call]

_ATTRIBUTE = "__framework_endpoint__"

#: The kind of a route declaration (``RouteDecl.kind``): how the endpoint serves it.
RouteKind = Literal["http", "sse", "websocket"]

#: Every place a handler decorator can take effect, and how errors name it: the route kinds,
#: and the resolvers of a GraphQL schema (``framework.graphql`` checks those when it builds
#: the schema). A new kind goes here, so the build checks and the declaration matrix test
#: know it.
ROUTE_KINDS: dict[str, str] = {
    "http": "HTTP route",
    "sse": "Server-Sent Events route",
    "websocket": "WebSocket route",
    "graphql": "GraphQL resolver",
}


@dataclass
class RouteDecl:
    """One route declared on a handler (``@get("/")``): path, methods, kind and options."""

    path: str
    methods: tuple[str, ...]
    kind: RouteKind = "http"
    name: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class HandlerDecorator:
    """A handler decorator as the build knows it: where it takes effect, and why not elsewhere.

    Register one per decorator with :func:`handler_decorator` and record it on each handler
    it decorates with :meth:`apply`; the build refuses it on other route kinds.
    """

    #: How errors and the documentation spell it: ``"@input"``.
    name: str
    #: The route kinds (keys of :data:`ROUTE_KINDS`) it takes effect on.
    kinds: frozenset[str]
    #: Whether it may decorate a ``Controller`` class (then it applies to every route).
    on_class: bool = True
    #: Why it cannot apply elsewhere (ends the build error).
    why_not: str = ""
    #: The module that registered it (the framework's own start with ``framework.``).
    module: str = ""

    def check_target(self, target: Any) -> None:
        """Refuse *target* if it is a class and this decorator applies to one handler only."""
        if isinstance(target, type) and not self.on_class:
            raise ImproperlyConfigured(
                f"{self.name} cannot decorate the class {target.__qualname__}: put it on each "
                "handler method (it describes one handler)."
            )

    def apply(self, target: Any, step: Step | None = None) -> EndpointSpec:
        """Record this decorator (and its *step*) on *target*, a handler or Controller class."""
        self.check_target(target)
        spec = endpoint_spec(target)
        spec.applied.append(self)
        if step is not None:
            spec.steps.append(step)
        return spec

    def refusal(self, kind: str, route: str, path: str) -> str | None:
        """Return why the build refuses this decorator on a route of *kind*, or None."""
        if kind in self.kinds:
            return None
        return (
            f"{self.name} cannot apply to the {ROUTE_KINDS.get(kind, kind)} {route} ({path}): "
            f"{self.why_not or 'it has no effect there'}."
        )


_DECORATORS: dict[str, HandlerDecorator] = {}


def handler_decorator(
    name: str,
    *,
    kinds: tuple[str, ...] | None = None,
    on_class: bool = True,
    why_not: str = "",
) -> HandlerDecorator:
    """Register the handler decorator *name* and return it (all route kinds by default)."""
    chosen = frozenset(ROUTE_KINDS if kinds is None else kinds)
    unknown = chosen - set(ROUTE_KINDS)
    if unknown:
        raise ValueError(f"Unknown route kinds {sorted(unknown)}; known: {list(ROUTE_KINDS)}.")
    module = str(sys._getframe(1).f_globals.get("__name__", ""))  # who registers it
    decorator = HandlerDecorator(name, chosen, on_class, why_not, module)
    existing = _DECORATORS.setdefault(name, decorator)
    if existing is not decorator and (existing.kinds, existing.on_class) != (chosen, on_class):
        raise ValueError(f"Two handler decorators are registered as {name!r}.")
    return existing


def handler_decorators() -> dict[str, HandlerDecorator]:
    """Return every registered handler decorator by name (imported modules only)."""
    return dict(_DECORATORS)


#: Steps added with ``spec.add_step(step)`` by a decorator that registered nothing.
CUSTOM_STEP = handler_decorator(
    "a custom pipeline step",
    kinds=("http", "sse"),
    why_not="its step expects an HTTP request; register the decorator with "
    "handler_decorator(name, kinds=...) and record it with .apply() if it serves WebSockets",
)


@dataclass
class EndpointSpec:
    """What the framework knows about one handler function (or Controller class)."""

    routes: list[RouteDecl] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    #: The handler decorators applied, in decoration order (the build checks each).
    applied: list[HandlerDecorator] = field(default_factory=list)

    def add_step(self, step: Step, decorator: HandlerDecorator | None = None) -> None:
        """Add *step* around the steps added so far (call it from a decorator)."""
        self.steps.append(step)
        self.applied.append(decorator or CUSTOM_STEP)


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


def merge_specs(outer: list[EndpointSpec], inner: EndpointSpec | None) -> EndpointSpec | None:
    """Return *inner* wrapped in the class-level specs *outer* (outermost first).

    Steps of *outer* run around the handler's own; metadata merges under the handler's
    (lists are joined, dicts updated, other values replaced by the handler's).
    """
    if not outer:
        return inner
    merged = EndpointSpec(routes=list(inner.routes) if inner is not None else [])
    for spec in [*outer, inner] if inner is not None else outer:
        for key, value in spec.meta.items():
            merged.meta[key] = _merged_value(merged.meta.get(key), value)
        merged.applied.extend(spec.applied)
    layers = ([inner] if inner is not None else []) + list(reversed(outer))
    merged.steps = [step for spec in layers for step in spec.steps]
    return merged


def _merged_value(current: Any, value: Any) -> Any:
    if isinstance(current, list) and isinstance(value, list):
        return [*current, *value]
    if isinstance(current, dict) and isinstance(value, dict):
        return {**current, **value}
    return value.copy() if isinstance(value, list | dict) else value


def innermost_call(handler: Callable[..., Any]) -> Call:
    """Return the call that invokes *handler* (sync handlers run in a worker thread)."""
    if is_async_callable(handler):

        async def call(request: HTTPConnection, kwargs: dict[str, Any]) -> Any:
            return await handler(request, **kwargs)

    else:

        async def call(request: HTTPConnection, kwargs: dict[str, Any]) -> Any:
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
