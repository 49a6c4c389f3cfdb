"""Refusals a middleware leaves for the route to settle: the CSRF exemption of header auth.

A middleware runs before routing, so it cannot know what the matched route accepts. The
CSRF middleware refuses an unsafe cookie-session request without a valid token — unless the
request is authenticated by a header (a bearer token, an API key) *on the route it
reaches*. It cannot tell that by itself, so it defers: :func:`defer_refusal` puts the 403 in
the scope, and the route settles it before any hook or handler runs. A route whose auth
backend accepts the request's header credentials lets it through; any other route, or a
route the framework did not build (a mounted app, a raw Starlette route), raises it.

Authentication decorators record, under ``meta[HEADER_AUTH]`` of the handler's spec, an
``async check(request) -> bool`` that says whether that backend authenticated the request
by its header credentials. A header that no backend of the route accepts — ``Authorization:
x``, or the Basic credentials a browser resends by itself to a route that does not use them
— changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.types import Scope

__all__ = ["HEADER_AUTH", "SCOPE_KEY", "HeaderCheck", "defer_refusal", "settle"]

#: Where the deferred refusal waits in the ASGI scope.
SCOPE_KEY = "framework.deferred_refusal"
#: Key of ``EndpointSpec.meta``: the route's header-authentication checks.
HEADER_AUTH = "header_auth"

HeaderCheck = Callable[[Any], Awaitable[bool]]


def defer_refusal(scope: Scope, refusal: Exception) -> None:
    """Leave *refusal* for the route: raised unless its header authentication accepts."""
    scope[SCOPE_KEY] = refusal


async def settle(request: Any, checks: Sequence[HeaderCheck]) -> None:
    """Raise the deferred refusal of *request* unless one of *checks* accepts it."""
    refusal = request.scope.pop(SCOPE_KEY, None)
    if refusal is None:
        return
    for check in checks:
        if await check(request):
            return
    raise refusal
