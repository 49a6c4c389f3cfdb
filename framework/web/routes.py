"""Route objects and the dispatcher: matching, 405 with the full ``Allow``, and ``url_for``.

``HandlerRoute`` and ``SocketRoute`` are Starlette routes that also remember the handler,
the owning app and the per-app error handlers, for ``manage.py routes``, error rendering
and the API documentation. ``Dispatcher`` is Starlette's router with three changes: an
unknown method lists every method the path accepts in ``Allow``, a fallback (the SPA
index) may answer unknown GET paths, and a path converter that raises ``ValueError``
does not match (so the path is a 404, not a 500).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Any

from starlette.datastructures import URL
from starlette.routing import BaseRoute, Match, Mount, NoMatchFound, Route, WebSocketRoute
from starlette.routing import Router as StarletteRouter
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from framework.web.deferred import SCOPE_KEY
from framework.web.exceptions import HTTPException
from framework.web.pipeline import EndpointSpec, RouteDecl
from framework.web.responses import RedirectResponse

__all__ = [
    "Dispatcher",
    "HandlerRoute",
    "MountRoute",
    "SocketRoute",
    "describe_routes",
    "reverse",
]


class _RouteInfo:
    """What the framework remembers about a route besides what Starlette needs."""

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


class Dispatcher(StarletteRouter):
    """Match a request to its route; answer 405 (full ``Allow``) or 404 otherwise."""

    def __init__(self, routes: Sequence[BaseRoute] | None = None, lifespan: Any = None) -> None:
        super().__init__(routes, lifespan=lifespan)
        #: ASGI app that answers unmatched GET/HEAD requests (the SPA index), if any.
        self.fallback: ASGIApp | None = None

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Dispatch *scope* to the first route that fully matches it."""
        if "router" not in scope:
            scope["router"] = self
        if scope["type"] == "lifespan":
            await self.lifespan(scope, receive, send)
            return
        partial: BaseRoute | None = None
        allowed: set[str] | None = None
        for route in self.routes:
            try:
                match, child_scope = route.matches(scope)
            except ValueError:  # a converter refused the value: no match (see _matches)
                continue
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                if SCOPE_KEY in scope and not isinstance(route, _RouteInfo):
                    raise scope.pop(SCOPE_KEY)  # only the framework's routes can settle it
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL:
                if partial is None:
                    partial, partial_scope, allowed = route, child_scope, set()
                allowed.update(getattr(route, "methods", None) or ())  # type: ignore[union-attr]
        if partial is not None and allowed is not None:
            scope["route"] = partial
            scope.update(partial_scope)
            raise HTTPException(405, headers={"Allow": ", ".join(sorted(allowed))})
        await self.unmatched(scope, receive, send)

    # Called directly: no router-level middleware, so no extra frame per request.
    __call__ = app

    async def unmatched(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Redirect to the path with/without a trailing slash if that matches, else 404."""
        if scope["type"] == "websocket":
            await WebSocketClose()(scope, receive, send)
            return
        path = scope["path"]
        if path != "/":
            other = dict(scope)
            other["path"] = path.rstrip("/") if path.endswith("/") else path + "/"
            for route in self.routes:
                match, _ = _matches(route, other)
                if match is not Match.NONE:
                    await RedirectResponse(str(URL(scope=other)), 307)(scope, receive, send)
                    return
        if self.fallback is not None and scope["method"] in ("GET", "HEAD"):
            await self.fallback(scope, receive, send)
            return
        raise HTTPException(404)


def _matches(route: BaseRoute, scope: Scope) -> tuple[Match, Scope]:
    """Match *route*; a path converter raising ``ValueError`` means "no match" (Django's rule).

    A custom converter's ``convert()`` may refuse a value its regex let through (a date
    that does not exist, say): the next routes are tried, and an unmatched path is a 404.
    """
    try:
        return route.matches(scope)
    except ValueError:
        return Match.NONE, {}


def reverse(routes: Sequence[BaseRoute], name: str, params: dict[str, Any]) -> str:
    """Return the path of route *name* with *params*; errors name the fix."""
    for route in routes:
        try:
            return str(route.url_path_for(name, **params))
        except NoMatchFound:
            continue
        except AssertionError as exc:  # a converter refused a value (e.g. a negative int)
            raise ValueError(f"Cannot build the URL of {name!r} with {params!r}: {exc}.") from None
    candidates = [route for route in routes if getattr(route, "name", None) == name]
    if candidates:
        route = candidates[0]
        expected = sorted(getattr(route, "param_convertors", {}))
        raise ValueError(
            f"Route {name!r} ({getattr(route, 'path', '?')}) takes parameters "
            f"{expected or 'none'}; got {sorted(params) or 'none'}."
        )
    names = [str(getattr(route, "name", "")) for route in routes if getattr(route, "name", None)]
    message = f"No route is named {name!r}."
    close = difflib.get_close_matches(name, names, n=1)
    if close:
        message += f" Did you mean {close[0]!r}?"
    raise LookupError(message)


def describe_routes(routes: Sequence[BaseRoute]) -> list[dict[str, Any]]:
    """Return one dict per route (methods, path, name, handler, app, kind), in match order."""
    described = []
    for route in routes:
        path = getattr(route, "path", "")
        if isinstance(route, _RouteInfo):
            target, kind = _qualname(route.handler), route.kind
            methods = sorted(set(getattr(route, "methods", None) or ()) - {"HEAD"})
        elif isinstance(route, Mount):
            target, kind = type(route.app).__name__, "mount"
            methods, path = [], f"{route.path}/{{path:path}}"
        else:
            target = _qualname(getattr(route, "endpoint", route))
            kind = "websocket" if isinstance(route, WebSocketRoute) else "http"
            methods = sorted(set(getattr(route, "methods", None) or ()) - {"HEAD"})
        described.append(
            {
                "methods": "WS" if kind == "websocket" else ", ".join(methods) or "*",
                "path": path,
                "name": getattr(route, "name", None) or "",
                "handler": target,
                "app": getattr(route, "app_label", None) or "",
                "kind": kind,
            }
        )
    return described


def _qualname(handler: Any) -> str:
    func = getattr(handler, "__func__", handler)
    name = getattr(func, "__qualname__", None) or type(func).__name__
    module = getattr(func, "__module__", None)
    return f"{module}.{name}" if module else name
