"""Declaring routes: the ``@get``/``@post``/… decorators and ``Router`` for function routes.

The decorators only record a :class:`~framework.web.pipeline.RouteDecl` on the handler and
return it unchanged, so they stack with each other and with validation or auth decorators.
Paths use Starlette's converters: ``{id:int}``, ``{name}`` (str), ``{rest:path}``,
``{key:uuid}``, ``{price:float}`` and ``{slug:slug}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from starlette.convertors import CONVERTOR_TYPES, Convertor, register_url_convertor
from starlette.routing import PARAM_REGEX

from framework.exceptions import ImproperlyConfigured
from framework.web.pipeline import RouteDecl, endpoint_spec

__all__ = [
    "MountDecl",
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


def _declare(
    path: str, methods: Sequence[str], kind: str, name: str | None, options: dict[str, Any]
) -> Callable[[F], F]:
    decl = RouteDecl(path, _methods(methods), kind, name, options)

    def decorator(func: F) -> F:
        check_path(path, f"{getattr(func, '__qualname__', func)!s}")
        endpoint_spec(func).routes.append(decl)
        return func

    return decorator


def route(
    path: str, methods: Sequence[str] = ("GET",), *, name: str | None = None, **options: Any
) -> Callable[[F], F]:
    """Declare *func* as the handler of *methods* on *path*.

    Options: ``name`` (for ``url_for``), ``max_body_size`` (bytes, 0 = unlimited),
    ``html`` (True: errors render as HTML pages; False: always JSON),
    ``include_in_schema`` (False hides the route from the API documentation).
    """
    return _declare(path, methods, "http", name, options)


def get(path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
    """Declare a GET (and HEAD) handler for *path*; see :func:`route` for the options."""
    return _declare(path, ("GET",), "http", name, options)


def post(path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
    """Declare a POST handler for *path*; see :func:`route` for the options."""
    return _declare(path, ("POST",), "http", name, options)


def put(path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
    """Declare a PUT handler for *path*; see :func:`route` for the options."""
    return _declare(path, ("PUT",), "http", name, options)


def patch(path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
    """Declare a PATCH handler for *path*; see :func:`route` for the options."""
    return _declare(path, ("PATCH",), "http", name, options)


def delete(path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
    """Declare a DELETE handler for *path*; see :func:`route` for the options."""
    return _declare(path, ("DELETE",), "http", name, options)


def websocket(path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
    """Declare a WebSocket handler ``async def handler(ws, **path_params)`` for *path*.

    Options: ``max_message_size`` (bytes; larger messages close the socket with 1009;
    0 = unlimited), ``check_origin`` (refuse cross-site browsers that send cookies; default
    WEBSOCKET_CHECK_ORIGIN).
    """
    return _declare(path, ("GET",), "websocket", name, options)


def sse(path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
    """Declare a Server-Sent Events handler for *path* (GET).

    The handler either yields events (an async generator) or takes an ``sse`` argument
    and awaits ``sse.send(...)``. Option ``keepalive``: seconds between keep-alive comments
    (default SSE_KEEPALIVE; 0 = none).
    """
    return _declare(path, ("GET",), "sse", name, options)


@dataclass(frozen=True)
class MountDecl:
    """An ASGI app served under a path (``router.mount(...)``): no handler, no pipeline."""

    path: str
    app: Any
    name: str | None = None


class Router:
    """A group of function routes, with an optional path *prefix* and route-name *namespace*.

    ::

        router = Router(prefix="/api", namespace="api")

        @router.get("/status")
        async def status(request):
            return {"ok": True}

    In an app's ``controllers.py`` a module-level ``Router`` is discovered like a
    ``Controller``; elsewhere add it with ``app.include(router)``. Route names are the
    function names, prefixed by ``"<namespace>."`` when a namespace is given.
    ``router.mount(path, asgi_app)`` serves another ASGI application below *path*.
    """

    def __init__(self, prefix: str = "", *, namespace: str | None = None) -> None:
        self.prefix = check_path(prefix, "Router(prefix=...)")
        self.namespace = namespace
        self.entries: list[tuple[Callable[..., Any], RouteDecl]] = []
        self.mounts: list[MountDecl] = []
        self.listeners: list[Callable[[], None]] = []

    def __repr__(self) -> str:
        mounts = f" mounts={len(self.mounts)}" if self.mounts else ""
        return f"<Router prefix={self.prefix!r} routes={len(self.entries)}{mounts}>"

    def _register(self, declare: Callable[[F], F]) -> Callable[[F], F]:
        def decorator(func: F) -> F:
            declare(func)
            self.entries.append((func, endpoint_spec(func).routes[-1]))
            for listener in self.listeners:
                listener()
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
        """Register a handler for *methods* on *path* (see :func:`route`)."""
        return self._register(route(path, methods, name=name, **options))

    def get(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Register a GET handler for *path*."""
        return self._register(get(path, name=name, **options))

    def post(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Register a POST handler for *path*."""
        return self._register(post(path, name=name, **options))

    def put(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Register a PUT handler for *path*."""
        return self._register(put(path, name=name, **options))

    def patch(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Register a PATCH handler for *path*."""
        return self._register(patch(path, name=name, **options))

    def delete(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Register a DELETE handler for *path*."""
        return self._register(delete(path, name=name, **options))

    def websocket(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Register a WebSocket handler for *path* (see :func:`websocket`)."""
        return self._register(websocket(path, name=name, **options))

    def sse(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Register a Server-Sent Events handler for *path* (see :func:`sse`)."""
        return self._register(sse(path, name=name, **options))

    def add_route(
        self,
        path: str,
        handler: Callable[..., Any],
        methods: Sequence[str] = ("GET",),
        *,
        name: str | None = None,
        **options: Any,
    ) -> None:
        """Register *handler* for *methods* on *path* without decorator syntax."""
        self.route(path, methods, name=name, **options)(handler)

    def mount(self, path: str, app: Any, *, name: str | None = None) -> None:
        """Serve the ASGI *app* at *path* and every path below it (``/admin``, ``/admin/…``).

        The app answers as it is, with the project's MIDDLEWARE around it (allowed hosts,
        sessions, CSRF, security headers) but outside the handler pipeline: handler
        decorators and hooks cannot apply to it, and the build refuses one written on it.
        *name* makes ``url_for("<name>:<route>")`` reach the mounted app's own routes.
        """
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
        for listener in self.listeners:
            listener()

    def mounted_apps(self) -> list[MountDecl]:
        """Return the mounts to serve, read when the app is built (a subclass may compute them)."""
        return list(self.mounts)

    def mount_name(self, decl: MountDecl) -> str | None:
        """Return the ``url_for`` name of the mount *decl* (with the namespace), or None."""
        if decl.name is None:
            return None
        return f"{self.namespace}.{decl.name}" if self.namespace else decl.name

    def route_name(self, func: Callable[..., Any], decl: RouteDecl) -> str:
        """Return the ``url_for`` name of *func*'s route *decl*."""
        name = str(decl.name or getattr(func, "__name__", type(func).__name__))
        return f"{self.namespace}.{name}" if self.namespace else name
