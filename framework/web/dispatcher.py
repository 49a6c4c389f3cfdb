"""The dispatcher: the frozen routing table an ``App`` builds once, and its ``url_for`` table.

``Dispatcher`` matches a request to the first route that fully matches it, as Starlette's
router does, with three differences: an unknown method lists every method the path accepts
in ``Allow``; the single-page-app index may answer unknown GET paths; a path converter that
raises ``ValueError`` does not match (the path is a 404, not a 500). Its routes are a tuple
made at build time: nothing adds to them afterwards. A request asks only the routes that
could match its path (:class:`~framework.web.routetable.RouteTable`: one dictionary lookup
for a static path), in declaration order. ``UrlTable`` answers ``url_for`` with a dictionary
lookup instead of asking every route in turn.
"""

from __future__ import annotations

import contextlib
import difflib
import traceback
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from starlette.datastructures import URL, URLPath
from starlette.routing import BaseRoute, Host, Match, Mount, NoMatchFound
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from framework.web.deferred import SCOPE_KEY
from framework.web.exceptions import HTTPException
from framework.web.middleware.headers import PROGRESS_KEY
from framework.web.responses import RedirectResponse
from framework.web.routes import HandlerRoute
from framework.web.routetable import RouteTable

__all__ = ["Dispatcher", "Lifespan", "UrlTable"]

#: ``lifespan(app)``: an async context manager around the server's life.
Lifespan = Callable[[Any], contextlib.AbstractAsyncContextManager[Any]]


class _Recovers(Protocol):
    """What answers a request's errors: ``framework.web.errors.ExceptionMiddleware``."""

    async def recover(self, scope: Scope, receive: Receive, send: Send, exc: Exception) -> bool:
        """Answer *exc*; return False when it is a server error (then it is re-raised)."""
        ...


class UrlTable:
    """Route names to routes, made once per build: ``url_for`` is a dictionary lookup."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.routes = tuple(routes)
        self._named: dict[str, list[BaseRoute]] = {}
        #: Mounts and hosts: the names of their own routes are ``"<name>:<route>"``.
        self._containers: list[BaseRoute] = []
        for route in self.routes:
            name = getattr(route, "name", None)
            if name:
                self._named.setdefault(name, []).append(route)
            if isinstance(route, Mount | Host):
                self._containers.append(route)

    def path_for(self, name: str, params: dict[str, Any]) -> URLPath:
        """Return the path of route *name* with *params*; errors name the fix."""
        named = self._named.get(name, ())
        for route in (*named, *(c for c in self._containers if c not in named)):
            try:
                path: URLPath = route.url_path_for(name, **params)
            except NoMatchFound:
                continue
            except AssertionError as exc:  # a converter refused a value (a negative int)
                raise ValueError(
                    f"Cannot build the URL of {name!r} with {params!r}: {exc}."
                ) from None
            return path
        if named:
            route = named[0]
            expected = sorted(getattr(route, "param_convertors", {}))
            raise ValueError(
                f"Route {name!r} ({getattr(route, 'path', '?')}) takes parameters "
                f"{expected or 'none'}; got {sorted(params) or 'none'}."
            )
        message = f"No route is named {name!r}."
        close = difflib.get_close_matches(name, list(self._named), n=1)
        if close:
            message += f" Did you mean {close[0]!r}?"
        raise LookupError(message)


class Dispatcher:
    """Match a request to its route; answer 405 (full ``Allow``) or 404 otherwise."""

    def __init__(
        self,
        routes: Sequence[BaseRoute],
        *,
        fallback: ASGIApp | None = None,
        lifespan: Lifespan | None = None,
    ) -> None:
        self.routes = tuple(routes)
        #: ASGI app that answers unmatched GET/HEAD requests (the SPA index), if any.
        self.fallback = fallback
        self.lifespan_context = lifespan
        self.urls = UrlTable(self.routes)
        self.table = RouteTable(self.routes)
        #: The App's ``ExceptionMiddleware``, answering errors from this frame rather than
        #: from one of its own around it (a coroutine frame less per request); None
        #: re-raises them (a host's routes: the App's dispatcher answers).
        self.errors: _Recovers | None = None

    def url_path_for(self, name: str, /, **params: Any) -> URLPath:
        """Return the path of route *name* (what ``request.url_for`` asks the router)."""
        return self.urls.path_for(name, params)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Dispatch *scope* to the first route that fully matches it."""
        if "router" not in scope:
            scope["router"] = self
        if scope["type"] == "lifespan":
            await self.lifespan(scope, receive, send)
            return
        try:
            partial: BaseRoute | None = None
            allowed: set[str] | None = None
            for route in self.table.candidates(scope):
                try:
                    match, child_scope = route.matches(scope)
                except ValueError:  # a converter refused the value: no match (see _matches)
                    continue
                if match is Match.FULL:
                    scope["route"] = route
                    scope.update(child_scope)
                    if SCOPE_KEY in scope and not getattr(route, "settles", False):
                        raise scope.pop(SCOPE_KEY)  # only the framework's routes can settle it
                    if type(route) is HandlerRoute:  # its endpoint at once: saves handle()'s frame
                        await route.app(scope, receive, send)
                    else:
                        await route.handle(scope, receive, send)
                    return
                if match is Match.PARTIAL:
                    if partial is None or allowed is None:
                        partial, partial_scope, allowed = route, child_scope, set()
                    allowed.update(getattr(route, "methods", None) or ())
            if partial is not None and allowed is not None:
                scope["route"] = partial
                scope.update(partial_scope)
                raise HTTPException(405, headers={"Allow": ", ".join(sorted(allowed))})
            await self.unmatched(scope, receive, send)
        except Exception as exc:
            progress = scope.get(PROGRESS_KEY)
            if self.errors is None or scope["type"] != "http" or progress is None:
                raise
            if progress.started or not await self.errors.recover(scope, receive, send, exc):
                raise

    async def unmatched(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Redirect to the path with/without a trailing slash if that matches, else 404."""
        if scope["type"] == "websocket":
            await WebSocketClose()(scope, receive, send)
            return
        path = scope["path"]
        if path != "/":
            other = dict(scope)
            other["path"] = path.rstrip("/") if path.endswith("/") else path + "/"
            for route in self.table.candidates(other):
                match, _ = _matches(route, other)
                if match is not Match.NONE:
                    await RedirectResponse(str(URL(scope=other)), 307)(scope, receive, send)
                    return
        if self.fallback is not None and scope["method"] in ("GET", "HEAD"):
            await self.fallback(scope, receive, send)
            return
        raise HTTPException(404)

    async def lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the lifespan context around the server's life, answering its messages."""
        started = False
        await receive()
        try:
            if self.lifespan_context is None:
                await send({"type": "lifespan.startup.complete"})
                started = True
                await receive()
            else:
                async with self.lifespan_context(scope.get("app")) as state:
                    if state is not None:
                        if "state" not in scope:
                            raise RuntimeError(
                                "The server does not support 'state' in the lifespan scope."
                            )
                        scope["state"].update(state)
                    await send({"type": "lifespan.startup.complete"})
                    started = True
                    await receive()
        except BaseException:
            phase = "shutdown" if started else "startup"
            await send({"type": f"lifespan.{phase}.failed", "message": traceback.format_exc()})
            raise
        await send({"type": "lifespan.shutdown.complete"})


def _matches(route: BaseRoute, scope: Scope) -> tuple[Match, Scope]:
    """Match *route*; a path converter raising ``ValueError`` means "no match" (Django's rule).

    A custom converter's ``convert()`` may refuse a value its regex let through (a date
    that does not exist, say): the next routes are tried, and an unmatched path is a 404.
    """
    try:
        return route.matches(scope)
    except ValueError:
        return Match.NONE, {}
