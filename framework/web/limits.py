"""Request limits: header and body size, form fields and files, query fields — in one place.

``Limits`` is computed once per route when the app is built (from settings and the route's
own overrides), so no request pays for a settings lookup. The checks run before the handler:
a declared ``Content-Length`` over the limit is refused at once (413), a chunked body is read
up to the limit first, and a body that turns out longer than declared is cut off at the
limit while it streams in.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from framework.web.exceptions import HTTPException

__all__ = [
    "HeaderSizeMiddleware",
    "Limits",
    "body_too_large",
    "header_size",
    "inspect_body_headers",
    "parse_query",
]


@dataclass(frozen=True, slots=True)
class Limits:
    """Size limits of one route; ``0`` disables a limit."""

    #: Largest request body in bytes (MAX_BODY_SIZE).
    max_body_size: int = 10 * 1024 * 1024
    #: Most fields in a form, urlencoded or multipart (FORM_MAX_FIELDS).
    max_form_fields: int = 1000
    #: Most files in a multipart form (FORM_MAX_FILES).
    max_form_files: int = 100
    #: Largest non-file part of a form, in bytes (FORM_MAX_PART_SIZE).
    max_form_part_size: int = 1024 * 1024
    #: Most fields in a query string (QUERY_MAX_FIELDS).
    max_query_fields: int = 1000

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> Limits:
        """Build the limits from *settings*, then apply the route's *overrides*."""
        values = {
            "max_body_size": int(settings.MAX_BODY_SIZE or 0),
            "max_form_fields": int(settings.FORM_MAX_FIELDS or 0),
            "max_form_files": int(settings.FORM_MAX_FILES or 0),
            "max_form_part_size": int(settings.FORM_MAX_PART_SIZE or 0),
            "max_query_fields": int(settings.QUERY_MAX_FIELDS or 0),
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        for key, value in values.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{key} must be a whole number of 0 or more; got {value!r}.")
        return cls(**values)


def body_too_large(limit: int) -> HTTPException:
    """Return the 413 error for a body over *limit* bytes."""
    return HTTPException(413, f"Request body is too large: the limit is {limit} bytes.")


def inspect_body_headers(raw_headers: list[tuple[bytes, bytes]]) -> tuple[int | None, bool]:
    """Return ``(content_length, chunked)`` of a request; 400 for a bad ``Content-Length``.

    A negative, non-numeric or repeated ``Content-Length`` is refused, since servers and
    proxies may disagree on where such a body ends (request smuggling).
    """
    length: int | None = None
    chunked = False
    for name, value in raw_headers:
        if name == b"content-length":
            text = value.strip()
            if not text.isdigit():
                raise HTTPException(400, f"Invalid Content-Length header: {_show(value)}.")
            if length is not None:
                raise HTTPException(400, "Several Content-Length headers were sent.")
            length = int(text)
        elif name == b"transfer-encoding":
            chunked = True
    return length, chunked


def _show(value: bytes) -> str:
    return repr(value.decode("latin-1")[:40])


def parse_query(query_string: bytes, max_fields: int) -> list[tuple[str, str]]:
    """Parse a query string (``&`` only: ``;`` is data) into pairs; 400 past *max_fields*."""
    from urllib.parse import parse_qsl

    text = query_string.decode("latin-1")
    try:
        return parse_qsl(
            text,
            keep_blank_values=True,
            max_num_fields=max_fields or None,
            separator="&",
            encoding="utf-8",
            errors="replace",
        )
    except ValueError:
        raise HTTPException(
            400, f"Too many fields in the query string: the limit is {max_fields}."
        ) from None


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
