"""Turn controllers and routers into routes, once, when the app is built.

Each :class:`RouteSource` is a group of controllers and routers with a common URL prefix,
owning app, per-app error handlers and hooks (one per installed app, plus the ``App``'s own).
:func:`build_routes` checks every declaration — path parameters against the handler's
signature, option names, duplicate route names, each handler decorator against the route
kind — and composes each endpoint's pipeline (a Controller class's decorators outside its
methods' own), so mistakes surface when the server starts, not on the first request.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from framework.exceptions import ImproperlyConfigured
from framework.web.background import BackgroundRunner
from framework.web.controllers import Controller
from framework.web.deferred import HEADER_AUTH
from framework.web.dispatcher import Dispatcher
from framework.web.endpoints import AfterHook, BeforeHook, HTTPEndpoint, WebSocketEndpoint
from framework.web.errors import ErrorHandlers
from framework.web.limits import Limits
from framework.web.pipeline import (
    EndpointSpec,
    RouteDecl,
    compose,
    ensure_async,
    get_endpoint_spec,
    innermost_call,
    is_async_callable,
    merge_specs,
)
from framework.web.routes import HandlerRoute, HostRoute, IndexRoute, MountRoute, SocketRoute
from framework.web.routing import (
    HostDecl,
    IndexDecl,
    MountDecl,
    Router,
    join_paths,
    path_parameters,
)
from framework.web.sse import EventSourceResponse
from framework.web.staticfiles import IndexFallback
from framework.web.traps import check_handler_signature

__all__ = ["Assembly", "BuildContext", "RouteSource", "build_routes"]

_OPTIONS = {
    "http": {"html", "include_in_schema", "max_body_size"},
    "sse": {"html", "include_in_schema", "keepalive"},
    "websocket": {"check_origin", "max_message_size"},
}


@dataclass
class BuildContext:
    """Defaults every route gets, read from settings once per build."""

    limits: Limits
    runner: BackgroundRunner
    before: tuple[BeforeHook, ...] = ()
    after: tuple[AfterHook, ...] = ()
    #: Opens the database scope around each request (``request.db``, CRUD helpers).
    db: Any = None
    ws_max_message_size: int = 1024 * 1024
    ws_check_origin: bool = True
    ws_allowed_origins: frozenset[str] = frozenset()
    sse_keepalive: float = 15.0
    #: Where the single-page-app index is looked up (the static files' folders).
    static_dirs: tuple[Path, ...] = ()

    @classmethod
    def from_settings(
        cls,
        settings: Any,
        runner: BackgroundRunner,
        before: Sequence[BeforeHook] = (),
        after: Sequence[AfterHook] = (),
        static_dirs: Sequence[Path] = (),
    ) -> BuildContext:
        """Read the web settings that routes need."""
        from framework.db.sessions import RequestSessions

        return cls(
            limits=Limits.from_settings(settings),
            runner=runner,
            db=RequestSessions(atomic=bool(settings.ATOMIC_REQUESTS)),
            before=tuple(before),
            after=tuple(after),
            ws_max_message_size=int(settings.WEBSOCKET_MAX_MESSAGE_SIZE or 0),
            ws_check_origin=bool(settings.WEBSOCKET_CHECK_ORIGIN),
            ws_allowed_origins=frozenset(
                origin.strip().lower().rstrip("/") for origin in settings.WEBSOCKET_ALLOWED_ORIGINS
            ),
            sse_keepalive=float(settings.SSE_KEEPALIVE or 0),
            static_dirs=tuple(static_dirs),
        )


@dataclass
class RouteSource:
    """Controllers and routers sharing a URL prefix, an owning app and error handlers."""

    prefix: str = ""
    app_label: str | None = None
    controllers: list[type[Controller]] = field(default_factory=list)
    routers: list[Router] = field(default_factory=list)
    error_handlers: ErrorHandlers | None = None
    #: Hooks of this source's routes only (``@before_request`` in an app's controllers.py).
    before: tuple[BeforeHook, ...] = ()
    after: tuple[AfterHook, ...] = ()
    #: The parameters of the host these routes are served for (``{tenant}.example.com``).
    host_params: tuple[str, ...] = ()

    def hooked(self, context: BuildContext) -> BuildContext:
        """Return *context* with this source's hooks inside the app-wide ones."""
        if not (self.before or self.after):
            return context
        return dataclasses.replace(
            context,
            before=context.before + tuple(ensure_async(hook) for hook in self.before),
            after=tuple(ensure_async(hook) for hook in self.after) + context.after,
        )


@dataclass
class Assembly:
    """What the declarations of an app's sources assemble into."""

    #: Routes in match order: the hosts' first, then every source's.
    routes: list[BaseRoute]
    #: The single-page-app index, answering unknown GET paths (or None).
    fallback: ASGIApp | None = None


def build_routes(sources: Sequence[RouteSource], context: BuildContext) -> Assembly:
    """Return the routes of *sources*, in order; refuse broken declarations."""
    routes: list[BaseRoute] = []
    hosts: list[BaseRoute] = []
    index: tuple[Router, IndexDecl, str] | None = None
    owners: dict[str, Any] = {}
    for source in sources:
        hooked = source.hooked(context)
        for controller in source.controllers:
            routes.extend(_controller_routes(controller, source, hooked))
        for router in source.routers:
            routes.extend(_router_routes(router, source, hooked))
            hosts.extend(_host_route(router, decl, source, hooked, owners) for decl in router.hosts)
            if router.index is not None:
                path = join_paths(source.prefix, router.prefix, router.index.path)
                if index is not None:
                    raise ImproperlyConfigured(
                        f"Two single-page-app indexes: {index[2]!r} ({index[0]!r}) and {path!r} "
                        f"({router!r}); an app has one page for unknown paths."
                    )
                index = (router, router.index, path)
    fallback = None
    if index is not None:
        fallback = IndexFallback(context.static_dirs, index[1].index)
        routes.insert(0, IndexRoute(index[2], fallback))
    for route in routes:
        _claim_name(owners, route)
    return Assembly([*hosts, *routes], fallback)


def _router_routes(router: Router, source: RouteSource, context: BuildContext) -> list[BaseRoute]:
    if router.asgi_routes and (source.prefix.strip("/") or router.prefix.strip("/")):
        raise ImproperlyConfigured(
            f"{router!r} serves ready-made Starlette routes under the prefix "
            f"{join_paths(source.prefix, router.prefix)!r}, which their fixed paths cannot "
            "take; add them to the App (app.add_asgi_route) at their full path."
        )
    routes: list[BaseRoute] = list(router.asgi_routes)
    for func, decl in router.entries:
        path = join_paths(source.prefix, router.prefix, decl.path)
        name = router.route_name(func, decl)
        routes.append(_make_route(path, name, func, func, decl, source, context))
    for mount in router.mounted_apps():
        path = join_paths(source.prefix, router.prefix, mount.path)
        routes.append(_mount_route(path, router.mount_name(mount), mount, source))
    return routes


def _host_route(
    router: Router,
    decl: HostDecl,
    source: RouteSource,
    context: BuildContext,
    owners: dict[str, Any],
) -> BaseRoute:
    """Return the route of *decl*: its router's routes (built like any) behind the host."""
    name = router.mount_name(decl)
    target = decl.target
    if not isinstance(target, Router):
        _refuse_declarations(target, f"the app served for the host {decl.host!r}")
        return HostRoute(decl.host, target, name=name, app_label=source.app_label)
    if target.hosts or target.index is not None:
        raise ImproperlyConfigured(
            f"{target!r}, served for the host {decl.host!r}, declares a host or a "
            "single-page-app index of its own; declare those on the App's router."
        )
    inner = dataclasses.replace(
        source,
        prefix=join_paths(source.prefix, router.prefix),
        host_params=tuple(path_parameters(decl.host, f" of the host {decl.host!r}")),
    )
    routes = _router_routes(target, inner, context)
    prefix = f"{name}:" if name else ""
    for route in routes:
        name_of, owner = getattr(route, "name", None), _owner(route)
        if name_of and owner is not None:
            _claim(owners, prefix + str(name_of), owner)
    dispatcher = Dispatcher(routes)
    return HostRoute(decl.host, dispatcher, name=name, app_label=source.app_label, settles=True)


def _controller_routes(
    controller: type[Controller], source: RouteSource, context: BuildContext
) -> list[BaseRoute]:
    instance = controller()
    has_before, has_after = controller.has_hooks()
    hooks = dataclasses.replace(
        context,
        before=context.before + ((instance.before_request,) if has_before else ()),
        after=((instance.after_request,) if has_after else ()) + context.after,
    )
    own = _controller_error_handlers(controller, instance, source.error_handlers)
    if own is not None:
        source = dataclasses.replace(source, error_handlers=own)
    outer = controller.class_specs()
    routes = []
    for method_name, func, decl in controller.routes():
        path = join_paths(source.prefix, controller.path, decl.path)
        bound = func.__get__(instance, controller)
        name = controller.route_name(method_name, decl)
        routes.append(_make_route(path, name, func, bound, decl, source, hooks, outer))
    return routes


def _controller_error_handlers(
    controller: type[Controller], instance: Controller, app_handlers: ErrorHandlers | None
) -> ErrorHandlers | None:
    """Return the handlers of the controller's routes: its own methods, then its app's."""
    declarations = controller.error_handler_declarations()
    if not declarations:
        return None
    handlers = ErrorHandlers()
    if app_handlers is not None:
        handlers.by_status.update(app_handlers.by_status)
        handlers.by_class.update(app_handlers.by_class)
    for declaration in declarations:
        method = getattr(instance, declaration.func.__name__)
        for key in declaration.keys:
            handlers.add(key, method)
    return handlers


def _make_route(
    path: str,
    name: str,
    func: Callable[..., Any],
    bound: Callable[..., Any],
    decl: RouteDecl,
    source: RouteSource,
    context: BuildContext,
    outer: list[EndpointSpec] | None = None,
) -> BaseRoute:
    where = f" of {name}"
    unknown = set(decl.options) - _OPTIONS[decl.kind]
    if unknown:
        raise ImproperlyConfigured(
            f"Unknown route option(s) {sorted(unknown)} on {name} ({decl.kind} route); "
            f"valid: {', '.join(sorted(_OPTIONS[decl.kind]))}."
        )
    params = [*source.host_params, *path_parameters(path, where)]
    _check_signature(func, bound, params, path, name, decl.kind)
    spec = merge_specs(outer or [], get_endpoint_spec(func))
    check_handler_signature(bound, decl.kind, name, supplied_arguments(spec, params))
    _check_decorators(spec, decl, name, path)
    if decl.kind == "websocket":
        return _socket_route(path, name, func, bound, decl, spec, source, context)
    limits = context.limits
    if decl.options.get("max_body_size") is not None:
        limits = dataclasses.replace(
            limits, max_body_size=_size(decl.options["max_body_size"], name)
        )
    if decl.kind == "sse":
        call = compose(
            spec, _sse_call(func, bound, decl.options.get("keepalive", context.sse_keepalive))
        )
    elif (spec is None or not spec.steps) and is_async_callable(bound):
        call = None
    else:
        call = compose(spec, innermost_call(bound))
    endpoint = HTTPEndpoint(
        bound,
        call,
        limits,
        context.runner,
        context.before,
        context.after,
        context.db,
        header_auth=tuple(spec.meta.get(HEADER_AUTH, ())) if spec is not None else (),
    )
    return HandlerRoute(
        path,
        endpoint,
        methods=decl.methods,
        name=name,
        handler=func,
        app_label=source.app_label,
        kind=decl.kind,
        decl=decl,
        error_handlers=source.error_handlers or None,
        html=decl.options.get("html"),
        include_in_schema=bool(decl.options.get("include_in_schema", True)),
        spec=spec,
    )


def _mount_route(path: str, name: str | None, mount: MountDecl, source: RouteSource) -> BaseRoute:
    """Return the route of a mounted app; refuse a handler declaration written on the app."""
    _refuse_declarations(mount.app, f"the app mounted at {path!r}")
    return MountRoute(path, mount.app, name=name, app_label=source.app_label)


def _refuse_declarations(app: Any, where: str) -> None:
    """Refuse a handler decorator written on an ASGI app served as it is (mounted, or a host's)."""
    for target in (app, type(app)):
        spec = get_endpoint_spec(target)
        if spec is None or not (spec.applied or spec.routes):
            continue
        what = spec.applied[0].name if spec.applied else "a route decorator"
        raise ImproperlyConfigured(
            f"{what} cannot apply to {where} ({app!r}): a mounted app is served as it is, "
            "outside the handler pipeline; authenticate inside the mounted app, or with a "
            "middleware."
        )


def supplied_arguments(spec: EndpointSpec | None, params: list[str]) -> set[str]:
    """Return the handler arguments the route passes: path parameters and ``@input`` keys."""
    inputs = spec.meta.get("inputs", ()) if spec is not None else ()
    return {*params, *(getattr(entry, "key", "") for entry in inputs)}


def _check_decorators(spec: EndpointSpec | None, decl: RouteDecl, name: str, path: str) -> None:
    """Refuse a handler decorator that cannot take effect on this kind of route."""
    for decorator in spec.applied if spec is not None else ():
        refusal = decorator.refusal(decl.kind, name, path)
        if refusal is not None:
            raise ImproperlyConfigured(refusal)


def _socket_route(
    path: str,
    name: str,
    func: Callable[..., Any],
    bound: Callable[..., Any],
    decl: RouteDecl,
    spec: EndpointSpec | None,
    source: RouteSource,
    context: BuildContext,
) -> BaseRoute:
    options = decl.options
    call = compose(spec, innermost_call(bound)) if spec is not None and spec.steps else None
    endpoint = WebSocketEndpoint(
        bound,
        max_message_size=int(options.get("max_message_size", context.ws_max_message_size)),
        check_origin=bool(options.get("check_origin", context.ws_check_origin)),
        allowed_origins=context.ws_allowed_origins,
        db=context.db,
        call=call,
        before=context.before,
    )
    return SocketRoute(
        path, endpoint, name=name, handler=func, app_label=source.app_label, decl=decl, spec=spec
    )


def _size(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ImproperlyConfigured(
            f"max_body_size of {name} must be a number of bytes (0 = no limit); got {value!r}."
        )
    return value


def _sse_call(func: Callable[..., Any], bound: Callable[..., Any], keepalive: float) -> Any:
    if inspect.isasyncgenfunction(inspect.unwrap(func)):

        async def stream(request: Any, kwargs: dict[str, Any]) -> EventSourceResponse:
            return EventSourceResponse(bound(request, **kwargs), keepalive=float(keepalive))

        return stream

    async def send_style(request: Any, kwargs: dict[str, Any]) -> EventSourceResponse:
        return EventSourceResponse(
            producer=lambda sse: bound(request, sse, **kwargs), keepalive=float(keepalive)
        )

    return send_style


def _check_signature(
    func: Callable[..., Any],
    bound: Callable[..., Any],
    params: list[str],
    path: str,
    name: str,
    kind: str,
) -> None:
    try:
        signature = inspect.signature(bound)
    except (TypeError, ValueError):
        return
    parameters = signature.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return
    accepted = {p.name for p in parameters if p.kind is not inspect.Parameter.VAR_POSITIONAL}
    missing = [param for param in params if param not in accepted]
    if missing:
        first = "ws" if kind == "websocket" else "request"
        example = ", ".join(["self", first, *params] if bound is not func else [first, *params])
        raise ImproperlyConfigured(
            f"{name} handles {path!r} but has no parameter {missing[0]!r}; add it: "
            f"async def {getattr(func, '__name__', 'handler')}({example})."
        )


def _claim_name(owners: dict[str, Any], route: BaseRoute) -> None:
    name, owner = getattr(route, "name", None), _owner(route)
    if name and owner is not None:
        _claim(owners, name, owner)


def _owner(route: BaseRoute) -> Any:
    """Return what a declared route serves (its handler, its app); None for a raw route."""
    if isinstance(route, MountRoute | HostRoute):
        return route.app
    return getattr(route, "handler", None)


def _claim(owners: dict[str, Any], name: str, owner: Any) -> None:
    first = owners.setdefault(name, owner)
    if first is not owner:
        raise ImproperlyConfigured(
            f"Two routes are named {name!r}: {_qualname(first)} and {_qualname(owner)}; "
            "rename one, or give it name=... in its route decorator."
        )


def _qualname(func: Any) -> str:
    qualname = getattr(func, "__qualname__", None) or type(func).__qualname__
    return f"{getattr(func, '__module__', None) or type(func).__module__}.{qualname}"
