"""Route objects, as the build makes them from the declarations, and their description.

``HandlerRoute`` and ``SocketRoute`` are Starlette routes that also remember the handler,
the owning app and the per-app error handlers, for ``manage.py routes``, error rendering
and the API documentation. ``MountRoute`` serves a mounted ASGI app, ``HostRoute`` the
routes of one host, ``IndexRoute`` the single-page-app index at its own path. The
dispatcher that matches them is in :mod:`framework.web.dispatcher`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from starlette.routing import BaseRoute, Host, Match, Mount, Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from framework.web.pipeline import EndpointSpec, RouteDecl

__all__ = [
    "HandlerRoute",
    "HostRoute",
    "IndexRoute",
    "MountRoute",
    "SocketRoute",
    "describe_routes",
]


class _RouteInfo:
    """What the framework remembers about a route besides what Starlette needs."""

    #: The framework's routes settle a refusal deferred by a middleware (see ``deferred``).
    settles = True

    handler: Callable[..., Any]
    app_label: str | None
    kind: str
    decl: RouteDecl | None
    error_handlers: Any
    html: bool | None
    #: The handler's spec with its controller class's declarations merged in (or None).
    spec: EndpointSpec | None

    def _remember(
        self,
        handler: Callable[..., Any],
        app_label: str | None,
        kind: str,
        decl: RouteDecl | None,
        error_handlers: Any,
        html: bool | None,
        spec: EndpointSpec | None,
    ) -> None:
        self.handler = handler
        self.app_label = app_label
        self.kind = kind
        self.decl = decl
        self.error_handlers = error_handlers
        self.html = html
        self.spec = spec


class HandlerRoute(_RouteInfo, Route):
    """An HTTP (or Server-Sent Events) route served by an endpoint object."""

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Call the endpoint (the dispatcher answers wrong methods with 405 itself)."""
        await self.app(scope, receive, send)

    def __init__(
        self,
        path: str,
        endpoint: ASGIApp,
        *,
        methods: Sequence[str],
        name: str,
        handler: Callable[..., Any],
        app_label: str | None = None,
        kind: str = "http",
        decl: RouteDecl | None = None,
        error_handlers: Any = None,
        html: bool | None = None,
        include_in_schema: bool = True,
        spec: EndpointSpec | None = None,
    ) -> None:
        Route.__init__(
            self,
            path,
            endpoint,
            methods=list(methods),
            name=name,
            include_in_schema=include_in_schema,
        )
        self._remember(handler, app_label, kind, decl, error_handlers, html, spec)


class SocketRoute(_RouteInfo, WebSocketRoute):
    """A WebSocket route served by an endpoint object."""

    def __init__(
        self,
        path: str,
        endpoint: ASGIApp,
        *,
        name: str,
        handler: Callable[..., Any],
        app_label: str | None = None,
        decl: RouteDecl | None = None,
        spec: EndpointSpec | None = None,
    ) -> None:
        WebSocketRoute.__init__(self, path, endpoint, name=name)
        self._remember(handler, app_label, "websocket", decl, None, None, spec)


class MountRoute(Mount):
    """An ASGI app mounted under a path, remembering the app (label) that declared it."""

    def __init__(
        self, path: str, app: ASGIApp, *, name: str | None = None, app_label: str | None = None
    ) -> None:
        super().__init__(path, app=app, name=name)
        self.app_label = app_label


class HostRoute(Host):
    """The routes served for one host (``router.host(...)``), ahead of the other routes.

    Its app is a dispatcher of the framework's own routes (built through the pipeline) or
    any ASGI app; a host that matches is answered there, 404 included.
    """

    def __init__(
        self,
        host: str,
        app: ASGIApp,
        *,
        name: str | None = None,
        app_label: str | None = None,
        settles: bool = False,
    ) -> None:
        super().__init__(host, app=app, name=name)
        self.app_label = app_label
        #: Whether the framework's routes serve the host (they settle deferred refusals).
        self.settles = settles


class IndexRoute(Mount):
    """Serve the single-page-app index at exactly one path (``add_route(path, static=True)``)."""

    def __init__(self, path: str, app: ASGIApp) -> None:
        super().__init__("", app=app)
        self.exact_path = path

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        """Match a GET or HEAD of exactly the index path."""
        if scope["type"] == "http" and scope["path"] == self.exact_path:
            return Match.FULL, {"endpoint": self.app}
        return Match.NONE, {}


def describe_routes(routes: Sequence[BaseRoute]) -> list[dict[str, Any]]:
    """Return one dict per route (methods, path, name, handler, app, kind), in match order.

    The routes of a host are listed one by one, their paths after the host name
    (``api.example.com/status``) and their names after the host's (``api:status``).
    """
    described = []
    for route in routes:
        if isinstance(route, HostRoute) and route.settles:
            prefix = f"{route.name}:" if route.name else ""
            for row in describe_routes(route.routes):
                row["path"] = route.host + row["path"]
                row["name"] = prefix + row["name"] if row["name"] else ""
                described.append(row)
            continue
        described.append(_describe(route))
    return described


def _describe(route: BaseRoute) -> dict[str, Any]:
    path = getattr(route, "path", "")
    methods = sorted(set(getattr(route, "methods", None) or ()) - {"HEAD"})
    if isinstance(route, _RouteInfo):
        target, kind = _qualname(route.handler), route.kind
    elif isinstance(route, IndexRoute):
        target, kind, methods, path = type(route.app).__name__, "http", ["GET"], route.exact_path
    elif isinstance(route, Mount | Host):
        target, kind = type(route.app).__name__, "mount"
        methods = []
        path = f"{route.path}/{{path:path}}" if isinstance(route, Mount) else route.host
    else:
        target = _qualname(getattr(route, "endpoint", route))
        kind = "websocket" if isinstance(route, WebSocketRoute) else "http"
    return {
        "methods": "WS" if kind == "websocket" else ", ".join(methods) or "*",
        "path": path,
        "name": getattr(route, "name", None) or "",
        "handler": target,
        "app": getattr(route, "app_label", None) or "",
        "kind": kind,
    }


def _qualname(handler: Any) -> str:
    func = getattr(handler, "__func__", handler)
    name = getattr(func, "__qualname__", None) or type(func).__name__
    module = getattr(func, "__module__", None)
    return f"{module}.{name}" if module else name
