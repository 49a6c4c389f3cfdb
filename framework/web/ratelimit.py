"""``@ratelimit("10/minute", key="ip")``: refuse a client that calls a route too often.

::

    class SearchController(Controller):
        path = "/search"

        @get("/")
        @ratelimit("30/minute;500/day", key="ip")
        async def search(self, request): ...

    @ratelimit("100/hour", key="user")      # on a class: one budget for all its routes
    class ExportController(Controller): ...

*key* says who is counted: ``"ip"`` (the client address, through TRUSTED_PROXIES),
``"user"`` (``request.state.user``, set by the auth decorators — put ``@ratelimit`` below
them; anonymous requests count by IP), or a function ``key(request) -> str`` (may be
async). Over the limit the answer is 429 with ``Retry-After`` (seconds) and the usual error
body, and the handler does not run; a WebSocket handshake is closed with 1008 instead. Counts
live in the cache ``RATELIMIT_CACHE`` names (or
*cache*), so every process and host sharing it shares the limit. When that cache is down the
route answers 503 (fail closed): a limit that cannot be counted is not lifted.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Iterable
from typing import Any

from framework.cache.base import CacheUnavailableError
from framework.cache.throttles import Throttle
from framework.web.clientip import client_ip
from framework.web.exceptions import HTTPException
from framework.web.pipeline import Call, handler_decorator

__all__ = ["RATELIMIT", "RATELIMIT_UNAVAILABLE", "enforce", "ratelimit", "too_many_requests"]

logger = logging.getLogger("framework.web")
RATELIMIT_UNAVAILABLE = "Rate limiting is unavailable right now; try again shortly."
#: Every route kind: a refused WebSocket handshake is closed with 1008 before it is accepted.
RATELIMIT = handler_decorator("@ratelimit")

Key = str | Callable[[Any], Any]


def too_many_requests(limit: str, retry_after: int) -> HTTPException:
    """Return the 429 error: what the limit is and when to try again (``Retry-After``)."""
    return HTTPException(
        429,
        f"Too many requests: the limit is {limit}. Try again in {retry_after} seconds.",
        headers={"Retry-After": str(retry_after)},
    )


def _identity(key: Key) -> Callable[[Any], Any]:
    if key == "ip":

        async def by_ip(request: Any) -> str:
            return f"ip:{client_ip(request)}"

        return by_ip
    if key == "user":

        async def by_user(request: Any) -> str:
            user = getattr(request.state, "user", None)
            if user is None:
                return f"ip:{client_ip(request)}"
            return f"user:{getattr(user, 'id', None) or user}"

        return by_user
    if callable(key):

        async def by_function(request: Any) -> str:
            value = key(request)
            if inspect.isawaitable(value):
                value = await value
            return f"key:{value}"

        return by_function
    raise TypeError(
        f'ratelimit key must be "ip", "user" or a function of the request; got {key!r}.'
    )


def ratelimit(
    rate: str,
    *,
    key: Key = "ip",
    cache: str | None = None,
    methods: Iterable[str] | None = None,
    scope: str | None = None,
) -> Callable[[Any], Any]:
    """Limit calls to the route (or every route of a Controller class) to *rate*.

    *cache* overrides RATELIMIT_CACHE; *methods* limits only those methods (``["POST"]``);
    *scope* names the budget, so routes with the same scope share one (default: the
    function or class).
    """
    identity = _identity(key)
    counted = frozenset(method.upper() for method in methods) if methods else None
    Throttle(rate, scope="", alias=cache, setting="ratelimit rate")  # a bad rate fails here

    def make_step(budget: Throttle) -> Callable[[Call], Call]:
        def step(call: Call) -> Call:
            async def run(request: Any, kwargs: dict[str, Any]) -> Any:
                # A WebSocket handshake has no method: it counts as a GET.
                if counted is None or getattr(request, "method", "GET") in counted:
                    await enforce(budget, await identity(request))
                return await call(request, kwargs)

            return run

        return step

    def decorator(target: Any) -> Any:
        name = scope or f"{target.__module__}.{target.__qualname__}"
        budget = Throttle(rate, scope=name, alias=cache, setting="ratelimit rate")
        RATELIMIT.apply(target, make_step(budget)).meta.setdefault("ratelimits", []).append(rate)
        return target

    return decorator


async def enforce(throttle: Throttle, identity: str) -> None:
    """Count one request of *identity*; raise 429 over the limit, 503 when it cannot count."""
    try:
        verdict = await throttle.hit(identity)
    except CacheUnavailableError as exc:
        logger.error("Rate limit %s not checked, request refused: %s", throttle.scope, exc)
        raise HTTPException(503, RATELIMIT_UNAVAILABLE, headers={"Retry-After": "5"}) from None
    if not verdict.allowed:
        raise too_many_requests(verdict.limit, verdict.retry_after)
