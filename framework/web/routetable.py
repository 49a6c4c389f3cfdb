"""The routes that could match a path, found by one dictionary lookup for static paths.

A path without parameters (``/hello``) can only be matched by the routes whose pattern
matches that very string: the build computes, for every such path, the routes — static
and parameterised, mounts, hosts — that could match it, in declaration order. A request
for a static path then asks only those routes, and a request for any other path asks
only the routes that are not static. Order is untouched: a parameterised route declared
before a static one it also matches is still asked first, and a 405 still lists the
methods of every route that matches the path. The table narrows the routes asked; each
route still decides for itself (method, scope type, host, converters).
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute, get_route_path
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
            for path in {route.path for route in static}  # type: ignore[attr-defined]
        }
        #: The routes a path that is not static could match (static routes cannot).
        static_ids = {id(route) for route in static}
        self.dynamic = tuple(route for route in self.routes if id(route) not in static_ids)

    def candidates(self, scope: Scope) -> tuple[BaseRoute, ...]:
        """Return the routes, in order, that could match *scope*'s path."""
        path = get_route_path(scope)
        found = self.by_path.get(path)
        if found is not None:
            return found
        # "$" also matches before a final newline: "/a\n" may match the static route "/a".
        return self.routes if path.endswith("\n") else self.dynamic


def _pattern_matching(route: BaseRoute) -> bool:
    """Tell whether *route* matches by its path pattern alone (Starlette's own ``matches``)."""
    return type(route).matches in _PATTERN_MATCHERS and hasattr(route, "path_regex")


def _is_static(route: BaseRoute) -> bool:
    """Tell whether *route* is an endpoint route whose path has no parameters."""
    return (
        isinstance(route, Route | WebSocketRoute)
        and _pattern_matching(route)
        and not route.param_convertors
    )


def _could_match(route: BaseRoute, path: str) -> bool:
    """Tell whether *route* might match *path*; routes that match otherwise always might."""
    if not _pattern_matching(route):
        return True  # hosts (by header), the SPA index, custom routes: asked every time
    return route.path_regex.match(path) is not None  # type: ignore[attr-defined]
