"""``@development``: a route (or a whole controller) that exists only while DEBUG is on.

::

    @get("/debug/state")
    @development
    async def state(request):
        return {"cache": ...}

With DEBUG off the route answers 404, exactly like a path that does not exist (a WebSocket
handshake is refused), and it is left out of the API documentation. It is a guard for
unfinished or diagnostic endpoints, checked on every request against the serving app's
``debug``, so it cannot be forgotten when the project is deployed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from framework.web.exceptions import HTTPException
from framework.web.pipeline import Call, handler_decorator

__all__ = ["DEVELOPMENT", "development", "is_development_only"]

F = TypeVar("F", bound=Callable[..., Any])

#: ``@development``: HTTP, SSE and WebSocket routes, and Controller classes; a GraphQL field
#: has no 404 of its own, so the schema build refuses it there.
DEVELOPMENT = handler_decorator(
    "@development",
    kinds=("http", "sse", "websocket"),
    why_not="a GraphQL field cannot answer 404",
)
META_KEY = "development"


def _step(call: Call) -> Call:
    async def run(request: Any, kwargs: dict[str, Any]) -> Any:
        if not request.app.debug:
            raise HTTPException(404)
        return await call(request, kwargs)

    return run


def development(target: F) -> F:
    """Serve the decorated route or Controller only while DEBUG is on (404 otherwise)."""
    DEVELOPMENT.apply(target, _step).meta[META_KEY] = True
    return target


def is_development_only(meta: dict[str, Any]) -> bool:
    """Return whether a route's metadata marks it as development-only."""
    return bool(meta.get(META_KEY))
