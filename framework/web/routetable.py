"""The routes that could match a path, found by one dictionary lookup for static paths.

A path without parameters (``/hello``) can only be matched by the routes whose pattern
matches that very string: the build computes, for every such path, the routes — static
and parameterised, mounts, hosts — that could match it, in declaration order. A request
for a static path then asks only those routes. Any other path is looked up by its first
segment: a route whose pattern begins ``/users/`` is asked only for paths under
``/users/``, and the routes whose first segment holds a parameter (or that match by
something else than the path: hosts, the SPA index) are asked for every path. Order is
untouched: a parameterised route declared
before a static one it also matches is still asked first, and a 405 still lists the
methods of every route that matches the path. The table narrows the routes asked; each
route still decides for itself (method, scope type, host, converters).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeGuard

from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.types import Scope

__all__ = ["RouteTable"]

#: Route classes whose ``matches`` is exactly "the path pattern matches, then type/method".
_PATTERN_MATCHERS = (Route.matches, WebSocketRoute.matches, Mount.matches)


class RouteTable:
    """Route candidates per request path, precomputed once from the ordered routes."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self.routes = tuple(routes)
        static = [route for route in self.routes if _is_static(route)]
        #: Static path → every route that could match it, in declaration order.
        self.by_path: dict[str, tuple[BaseRoute, ...]] = {
            path: tuple(route for route in self.routes if _could_match(route, path))
            for path in {route.path for route in static}
        }
        static_ids = {id(route) for route in static}
        #: The routes a path that is not static could match (static routes cannot).
        self.dynamic = tuple(route for route in self.routes if id(route) not in static_ids)
        segments = [(route, _first_segment(route)) for route in self.dynamic]
        #: The routes asked for every path that is not static, whatever its first segment.
        self.everywhere = tuple(route for route, segment in segments if segment is None)
        #: First path segment → the routes that could match a path under it, in order.
        self.by_segment: dict[str, tuple[BaseRoute, ...]] = {
            first: tuple(route for route, segment in segments if segment in (None, first))
            for first in {segment for _, segment in segments if segment is not None}
        }

    def candidates(self, scope: Scope) -> tuple[BaseRoute, ...]:
        """Return the routes, in order, that could match *scope*'s path."""
        path: str = scope["path"]
        if scope.get("root_path"):  # only under a root path: saves a call per request
            path = _route_path(scope)
        found = self.by_path.get(path)
        if found is not None:
            return found
        if path.endswith("\n"):  # "$" also matches before a final newline: "/a\n" ~ "/a"
            return self.routes
        return self.by_segment.get(path[1:].partition("/")[0], self.everywhere)


def _route_path(scope: Scope) -> str:
    """Return the path the routes match against: *scope*'s path below its ``root_path``.

    The same rule as Starlette's routes apply (a mounted app sees the path under its mount);
    kept here because Starlette does not export it.
    """
    path: str = scope["path"]
    root_path: str = scope.get("root_path", "")
    if not root_path or not path.startswith(root_path):
        return path
    if path == root_path:
        return ""
    return path[len(root_path) :] if path[len(root_path)] == "/" else path


def _pattern_matching(route: BaseRoute) -> TypeGuard[Route | WebSocketRoute | Mount]:
    """Tell whether *route* matches by its path pattern alone (Starlette's own ``matches``)."""
    return isinstance(route, Route | WebSocketRoute | Mount) and (
        type(route).matches in _PATTERN_MATCHERS
    )


def _is_static(route: BaseRoute) -> TypeGuard[Route | WebSocketRoute]:
    """Tell whether *route* is an endpoint route whose path has no parameters."""
    return (
        _pattern_matching(route)
        and isinstance(route, Route | WebSocketRoute)
        and not route.param_convertors
    )


def _could_match(route: BaseRoute, path: str) -> bool:
    """Tell whether *route* might match *path*; routes that match otherwise always might."""
    if not _pattern_matching(route):
        return True  # hosts (by header), the SPA index, custom routes: asked every time
    return route.path_regex.match(path) is not None


def _first_segment(route: BaseRoute) -> str | None:
    """Return the literal first segment every path *route* matches starts with, if it has one.

    ``/users/{id}`` and the mount at ``/users`` only match paths that begin ``/users/``;
    ``/{slug}`` or ``/v{version}/items`` have no such segment, nor do hosts.
    """
    if not _pattern_matching(route):
        return None
    literal = route.path_format.split("{", 1)[0]
    segment, slash, _ = literal[1:].partition("/")
    return segment if literal.startswith("/") and slash else None
