"""Request limits in one place: the header-size middleware, and the body, form and query limits.

The body, form and query limits live in :mod:`framework.web.inputlimits` (below ``requests``,
which reads them) and are re-exported here. ``HeaderSizeMiddleware`` renders its 431 through
the error pages, which need ``requests``: kept apart, the two halves import one another in no
circle.
"""

from __future__ import annotations

from collections.abc import Awaitable

from starlette.types import ASGIApp, Receive, Scope, Send

from framework.web.inputlimits import Limits, body_too_large, inspect_body_headers, parse_query

__all__ = [
    "HeaderSizeMiddleware",
    "Limits",
    "body_too_large",
    "header_size",
    "inspect_body_headers",
    "parse_query",
]


def header_size(raw_headers: list[tuple[bytes, bytes]]) -> int:
    """Return the size of *raw_headers* as sent: each name and value plus ``": "`` and CRLF."""
    size = 4 * len(raw_headers)
    for name, value in raw_headers:  # a plain loop: the cheapest form, on every request
        size += len(name) + len(value)
    return size


class HeaderSizeMiddleware:
    """Answer ``431`` to requests and WebSocket handshakes whose headers pass ``MAX_HEADER_SIZE``.

    Servers differ (uvicorn with httptools takes 100 KB of headers, with h11 16 KB), so the
    framework enforces its own limit, before any middleware or handler sees the request. A
    WebSocket handshake is refused with an HTTP 431 where the server supports the ASGI
    denial-response extension (uvicorn does), and with a 403 (close before accept) elsewhere.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        """Refuse oversized headers; pass the rest on without a frame of its own."""
        if scope["type"] in ("http", "websocket") and header_size(scope["headers"]) > self.limit:
            return self.refuse(scope, receive, send)
        return self.app(scope, receive, send)

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the 431 response (or the handshake refusal) for *scope*."""
        from framework.web.errors import render_error
        from framework.web.requests import Request

        detail = f"Request headers are too large: the limit is {self.limit} bytes."
        response = render_error(Request({"method": "GET", **scope, "type": "http"}), 431, detail)
        if scope["type"] == "http":
            await response(scope, receive, send)
            return
        await receive()  # websocket.connect
        if "websocket.http.response" in scope.get("extensions", {}):
            await response(scope, receive, send)
        else:
            await send({"type": "websocket.close", "code": 1008, "reason": detail[:120]})
