"""Declaring routes: the ``@get``/``@post``/… decorators and ``Router`` for function routes.

The decorators only record a :class:`~framework.web.pipeline.RouteDecl` on the handler and
return it unchanged, so they stack with each other and with validation or auth decorators.
They are defined once, on :class:`RouteDeclarations`: the module functions (``@get``, for
controller methods) are the methods of a plain instance, and ``Router`` and ``App`` inherit
them and also keep the handler. A ``Router`` holds every declaration an app can serve —
function routes, mounted ASGI apps (``mount``), routers served on another host (``host``),
the single-page-app index (``add_route(path, static=True)``) and ready-made Starlette routes
— and is read, never changed, when the app is built (after which it refuses new ones).
Paths use Starlette's converters: ``{id:int}``, ``{name}`` (str), ``{rest:path}``,
``{key:uuid}``, ``{price:float}`` and ``{slug:slug}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.convertors import CONVERTOR_TYPES, Convertor, register_url_convertor
from starlette.routing import PARAM_REGEX, BaseRoute

from framework.exceptions import ImproperlyConfigured
from framework.web.pipeline import RouteDecl, RouteKind, endpoint_spec

__all__ = [
    "HostDecl",
    "IndexDecl",
    "MountDecl",
    "RouteDeclarations",
    "Router",
    "delete",
    "get",
    "join_paths",
    "patch",
    "path_parameters",
    "post",
    "put",
    "register_converter",
    "route",
    "sse",
    "websocket",
]

F = TypeVar("F", bound=Callable[..., Any])


class SlugConvertor(Convertor[str]):
    """``{slug:slug}``: letters, digits, hyphens and underscores."""

    regex = "[-a-zA-Z0-9_]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return str(value)


def register_converter(name: str, convertor: Convertor[Any]) -> None:
    """Make ``{param:name}`` available in route paths."""
    register_url_convertor(name, convertor)


register_converter("slug", SlugConvertor())


def path_parameters(path: str, where: str = "") -> list[str]:
    """Return the parameter names of *path*; refuse unknown converters, naming the known ones."""
    names = []
    for match in PARAM_REGEX.finditer(path):
        name, convertor = match.group(1), (match.group(2) or ":str")[1:]
        if convertor not in CONVERTOR_TYPES:
            known = ", ".join(sorted(CONVERTOR_TYPES))
            raise ImproperlyConfigured(
                f"Unknown path converter {convertor!r} in {path!r}{where}; use one of: {known} "
                "(or register one with framework.web.register_converter)."
            )
        names.append(name)
    return names


def check_path(path: str, where: str) -> str:
    """Return *path* if it is a route path (starts with '/'); else raise naming *where*."""
    if not isinstance(path, str) or (path and not path.startswith("/")):
        raise ImproperlyConfigured(f"The path {path!r} of {where} must start with '/'.")
    return path


def join_paths(*parts: str | None) -> str:
    """Join URL path parts: ``("/blog", "/posts", "/")`` → ``"/blog/posts"``.

    A route path of ``"/"`` means the root of its controller (no trailing slash); any other
    trailing slash is kept (``"/{id}/"`` stays ``"/posts/{id}/"``).
    """
    pieces = [part.strip("/") for part in parts if part]
    body = "/".join(piece for piece in pieces if piece)
    last = next((part for part in reversed(parts) if part), "")
    trailing = "/" if body and last.endswith("/") and last.strip("/") else ""
    return "/" + body + trailing


def _methods(methods: Iterable[str]) -> tuple[str, ...]:
    result = tuple(dict.fromkeys(method.upper() for method in methods))
    if not result:
        raise ImproperlyConfigured("A route needs at least one HTTP method.")
    return result


class RouteDeclarations:
    """The eight route decorators, defined once.

    On a plain instance (the module functions ``route``, ``get``, …) they only record the
    declaration on the handler — that is how controller methods are declared. ``Router`` and
    ``App`` inherit them and keep the handler too (:meth:`_keep`), after checking that they
    still take declarations (:meth:`_check_open`).
    """

    def _check_open(self, setup: str) -> None:
        """Refuse the setup method *setup* once declarations are closed (nothing to do here)."""

    def _keep(self, func: Callable[..., Any], decl: RouteDecl) -> None:
        """Keep *func*, just declared with *decl* (a plain instance keeps nothing)."""

    def _declare(
        self,
        setup: str,
        path: str,
        methods: Sequence[str],
        kind: RouteKind,
        name: str | None,
        options: dict[str, Any],
    ) -> Callable[[F], F]:
        self._check_open(setup)
        decl = RouteDecl(path, _methods(methods), kind, name, options)

        def decorator(func: F) -> F:
            check_path(path, f"{getattr(func, '__qualname__', func)!s}")
            self._check_open(setup)
            endpoint_spec(func).routes.append(decl)
            self._keep(func, decl)
            return func

        return decorator

    def route(
        self,
        path: str,
        methods: Sequence[str] = ("GET",),
        *,
        name: str | None = None,
        **options: Any,
    ) -> Callable[[F], F]:
        """Declare the decorated function as the handler of *methods* on *path*.

        Options: ``name`` (for ``url_for``), ``max_body_size`` (bytes, 0 = unlimited),
        ``html`` (True: errors render as HTML pages; False: always JSON),
        ``include_in_schema`` (False hides the route from the API documentation).
        """
        return self._declare("route", path, methods, "http", name, options)

    def get(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Declare a GET (and HEAD) handler for *path*; see :meth:`route` for the options."""
        return self._declare("get", path, ("GET",), "http", name, options)

    def post(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Declare a POST handler for *path*; see :meth:`route` for the options."""
        return self._declare("post", path, ("POST",), "http", name, options)

    def put(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Declare a PUT handler for *path*; see :meth:`route` for the options."""
        return self._declare("put", path, ("PUT",), "http", name, options)

    def patch(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Declare a PATCH handler for *path*; see :meth:`route` for the options."""
        return self._declare("patch", path, ("PATCH",), "http", name, options)

    def delete(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Declare a DELETE handler for *path*; see :meth:`route` for the options."""
        return self._declare("delete", path, ("DELETE",), "http", name, options)

    def websocket(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Declare a WebSocket handler ``async def handler(ws, **path_params)`` for *path*.

        Options: ``max_message_size`` (bytes; larger messages close the socket with 1009;
        0 = unlimited), ``check_origin`` (refuse cross-site browsers that send cookies;
        default WEBSOCKET_CHECK_ORIGIN).
        """
        return self._declare("websocket", path, ("GET",), "websocket", name, options)

    def sse(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Declare a Server-Sent Events handler for *path* (GET).

        The handler either yields events (an async generator) or takes an ``sse`` argument
        and awaits ``sse.send(...)``. Option ``keepalive``: seconds between keep-alive
        comments (default SSE_KEEPALIVE; 0 = none).
        """
        return self._declare("sse", path, ("GET",), "sse", name, options)


_FUNCTIONS = RouteDeclarations()
route = _FUNCTIONS.route
get = _FUNCTIONS.get
post = _FUNCTIONS.post
put = _FUNCTIONS.put
patch = _FUNCTIONS.patch
delete = _FUNCTIONS.delete
websocket = _FUNCTIONS.websocket
sse = _FUNCTIONS.sse


@dataclass(frozen=True)
class MountDecl:
    """An ASGI app served under a path (``router.mount(...)``): no handler, no pipeline."""

    path: str
    app: Any
    name: str | None = None


@dataclass(frozen=True)
class HostDecl:
    """Routes served for one host (``router.host(...)``): a ``Router``, or any ASGI app."""

    host: str
    target: Any
    name: str | None = None


@dataclass(frozen=True)
class IndexDecl:
    """The single-page-app index: served at *path* and for every unknown GET path."""

    path: str
    index: str = "index.html"


class Router(RouteDeclarations):
    """A group of routes, with an optional path *prefix* and route-name *namespace*.

    ::

        router = Router(prefix="/api", namespace="api")

        @router.get("/status")
        async def status(request):
            return {"ok": True}

    In an app's ``controllers.py`` a module-level ``Router`` is discovered like a
    ``Controller``; elsewhere add it with ``app.include(router)``. Route names are the
    function names, prefixed by ``"<namespace>."`` when a namespace is given.
    ``router.mount(path, asgi_app)`` serves another ASGI application below *path*,
    ``router.host("api.example.com", other_router)`` serves a router for one host.
    Once an app serving the router is built, the router refuses new declarations.
    """

    def __init__(self, prefix: str = "", *, namespace: str | None = None) -> None:
        self.prefix = check_path(prefix, "Router(prefix=...)")
        self.namespace = namespace
        self.entries: list[tuple[Callable[..., Any], RouteDecl]] = []
        self.mounts: list[MountDecl] = []
        self.hosts: list[HostDecl] = []
        self.asgi_routes: list[BaseRoute] = []
        self.index: IndexDecl | None = None
        self._closed_by: str | None = None

    def __repr__(self) -> str:
        mounts = f" mounts={len(self.mounts)}" if self.mounts else ""
        return f"<Router prefix={self.prefix!r} routes={len(self.entries)}{mounts}>"

    def close(self, reason: str) -> None:
        """Refuse declarations from now on: an app built from this router was built *reason*."""
        if self._closed_by is None:
            self._closed_by = reason
        for host in self.hosts:
            if isinstance(host.target, Router):
                host.target.close(reason)

    def _check_open(self, setup: str) -> None:
        if self._closed_by is not None:
            raise ImproperlyConfigured(
                f"The setup method {setup!r} can no longer be called on {self!r}: an App "
                f"serving it was built {self._closed_by}, so what is declared now would never "
                "be served. Declare the router's routes before the app is built."
            )

    def _keep(self, func: Callable[..., Any], decl: RouteDecl) -> None:
        self.entries.append((func, decl))

    def add_route(
        self,
        path: str,
        handler: Callable[..., Any] | None = None,
        methods: Sequence[str] = ("GET",),
        name: str | None = None,
        *,
        static: bool = False,
        index: str = "index.html",
        **options: Any,
    ) -> None:
        """Declare *handler* for *methods* on *path*; ``static=True`` serves the SPA *index*.

        With ``static=True`` (Dyne's single-page-app switch) *path* and every unknown GET path
        answer with the static file *index* (looked up like other static files, when the app
        is built).
        """
        if not static:
            if handler is None:
                raise TypeError("add_route() needs an endpoint unless static=True.")
            self.route(path, methods, name=name, **options)(handler)
            return
        self._check_open("add_route")
        check_path(path, "add_route(static=True)")
        if self.index is not None:
            raise ImproperlyConfigured(
                f"add_route({path!r}, static=True): the single-page-app index is already "
                f"served at {self.index.path!r}; an app has one page for unknown paths."
            )
        self.index = IndexDecl(path, index)

    def add_asgi_route(self, route: BaseRoute) -> None:
        """Serve a ready-made Starlette route (``Route``, ``Mount``, ``WebSocketRoute``)."""
        self._check_open("add_asgi_route")
        self.asgi_routes.append(route)

    def mount(self, path: str, app: Any, *, name: str | None = None) -> None:
        """Serve the ASGI *app* at *path* and every path below it (``/admin``, ``/admin/…``).

        The app answers as it is, with the project's MIDDLEWARE around it (allowed hosts,
        sessions, CSRF, security headers) but outside the handler pipeline: handler
        decorators and hooks cannot apply to it, and the build refuses one written on it.
        *name* makes ``url_for("<name>:<route>")`` reach the mounted app's own routes.
        """
        self._check_open("mount")
        where = f"the mount of {app!r}"
        check_path(path, where)
        if not path.strip("/"):
            raise ImproperlyConfigured(
                f"Cannot mount {app!r} at the root {path!r}: it would answer every path. "
                "Mount it under a prefix ('/admin'), or serve a page for unknown paths with "
                "app.add_route(path, static=True)."
            )
        if not callable(app):
            raise ImproperlyConfigured(
                f"Cannot mount {app!r} at {path!r}: a mounted app must be an ASGI application "
                "(async def app(scope, receive, send))."
            )
        self.mounts.append(MountDecl(path, app, name))

    def host(self, host: str, target: Any, *, name: str | None = None) -> None:
        """Serve *target* — a ``Router`` or any ASGI app — for requests to *host*.

        *host* is a host name (``"api.example.com"``), which may hold parameters like a path
        (``"{tenant}.example.com"``, passed to the handlers). Its routes answer every request
        for that host, before the other routes; a path it does not serve is a 404 there.
        With *name*, ``url_for("<name>:<route>")`` reaches its routes.
        """
        self._check_open("host")
        if not isinstance(host, str) or not host or "/" in host:
            raise ImproperlyConfigured(
                f"router.host({host!r}, ...): give a host name such as 'api.example.com' "
                "(parameters allowed: '{tenant}.example.com'), without a scheme or path."
            )
        if not isinstance(target, Router) and not callable(target):
            raise ImproperlyConfigured(
                f"Cannot serve {target!r} for the host {host!r}: give a Router, or an ASGI "
                "application (async def app(scope, receive, send))."
            )
        self.hosts.append(HostDecl(host, target, name))

    def mounted_apps(self) -> list[MountDecl]:
        """Return the mounts to serve, read when the app is built (a subclass may compute them)."""
        return list(self.mounts)

    def mount_name(self, decl: MountDecl | HostDecl) -> str | None:
        """Return the ``url_for`` name of a mount or host *decl* (with the namespace), or None."""
        if decl.name is None:
            return None
        return f"{self.namespace}.{decl.name}" if self.namespace else decl.name

    def route_name(self, func: Callable[..., Any], decl: RouteDecl) -> str:
        """Return the ``url_for`` name of *func*'s route *decl*."""
        name = str(decl.name or getattr(func, "__name__", type(func).__name__))
        return f"{self.namespace}.{name}" if self.namespace else name
