"""Responses, and the rule that turns what a handler returns into one.

Return values (DESIGN): a Response passes through; dict, list, dataclass or pydantic model →
JSON; str → text; bytes → octet stream; None → 204. A ``(value, status)`` or
``(value, status, headers)`` tuple sets the status and headers of the converted value.

Every response class here is Starlette's with two changes: ``set_cookie`` defaults to
``httponly=True`` (the cookie directives of Dyne), and JSON understands datetimes, UUIDs,
decimals, dataclasses and pydantic models.
"""

from __future__ import annotations

import dataclasses
import datetime
import http.cookies
from collections.abc import Mapping
from typing import Any, Literal

from starlette import responses as _starlette

from framework.web.encoding import json_bytes as encode_json
from framework.web.encoding import json_default

__all__ = [
    "FileResponse",
    "HTMLResponse",
    "JSONResponse",
    "PlainTextResponse",
    "RedirectResponse",
    "Response",
    "StreamingResponse",
    "json_bytes",
    "json_default",
    "to_response",
]

SameSite = Literal["lax", "strict", "none"]


def json_bytes(value: Any) -> bytes:
    """Return *value* as compact UTF-8 JSON (datetimes, UUIDs, decimals, models converted).

    NaN and infinity are refused, as JSON has no such values. Written by orjson, with the
    json module's bytes (``framework.web.encoding``).
    """
    return encode_json(value, json_default)


class _CookieMixin:
    """``set_cookie``/``delete_cookie`` with Dyne's directives and HttpOnly by default."""

    raw_headers: list[tuple[bytes, bytes]]

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: int | None = None,
        expires: datetime.datetime | str | int | None = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = True,
        samesite: SameSite | None = "lax",
        partitioned: bool = False,
    ) -> None:
        """Add a ``Set-Cookie`` header; unsafe characters in *value* are quoted, never sent raw."""
        if partitioned:
            raise ValueError("Partitioned cookies need Python 3.14's http.cookies; not supported.")
        if samesite is not None and samesite.lower() not in ("lax", "strict", "none"):
            raise ValueError(f"samesite must be 'lax', 'strict' or 'none'; got {samesite!r}.")
        cookie: http.cookies.SimpleCookie = http.cookies.SimpleCookie()
        try:
            cookie[key] = value
        except http.cookies.CookieError as exc:
            raise ValueError(
                f"Invalid cookie name {key!r}: use letters, digits and !#$%&'*+-.^_`|~ only."
            ) from exc
        morsel = cookie[key]
        if max_age is not None:
            morsel["max-age"] = str(int(max_age))
        if expires is not None:
            morsel["expires"] = _expires(expires)
        for name, directive in (("path", path), ("domain", domain)):
            if directive is not None:
                if any(char in directive for char in "\r\n\0;"):
                    raise ValueError(f"Cookie {name} {directive!r} contains a forbidden character.")
                morsel[name] = directive
        if secure:
            morsel["secure"] = True
        if httponly:
            morsel["httponly"] = True
        if samesite is not None:
            morsel["samesite"] = samesite
        self.raw_headers.append((b"set-cookie", morsel.OutputString().encode("latin-1")))

    def delete_cookie(
        self,
        key: str,
        path: str = "/",
        domain: str | None = None,
        secure: bool = False,
        httponly: bool = True,
        samesite: SameSite | None = "lax",
        partitioned: bool = False,
    ) -> None:
        """Tell the browser to drop cookie *key* (same *path* and *domain* as when it was set)."""
        self.set_cookie(
            key,
            "",
            max_age=0,
            expires=0,
            path=path,
            domain=domain,
            secure=secure,
            httponly=httponly,
            samesite=samesite,
        )


def _expires(expires: datetime.datetime | str | int) -> str:
    if isinstance(expires, datetime.datetime):
        from email.utils import format_datetime

        return format_datetime(expires.astimezone(datetime.UTC), usegmt=True)
    if isinstance(expires, int):
        from email.utils import formatdate

        return formatdate(datetime.datetime.now(datetime.UTC).timestamp() + expires, usegmt=True)
    return str(expires)


class Response(_CookieMixin, _starlette.Response):
    """A response with a body of bytes or text."""


class HTMLResponse(_CookieMixin, _starlette.HTMLResponse):
    """An HTML page (``text/html; charset=utf-8``)."""


class PlainTextResponse(_CookieMixin, _starlette.PlainTextResponse):
    """Plain text (``text/plain; charset=utf-8``)."""


class JSONResponse(_CookieMixin, _starlette.JSONResponse):
    """JSON, compact and UTF-8; datetimes, UUIDs, decimals and models are converted."""

    def render(self, content: Any) -> bytes:
        """Serialise *content*; NaN and infinity are refused, as JSON has no such values."""
        return json_bytes(content)


class RedirectResponse(_CookieMixin, _starlette.RedirectResponse):
    """A redirect (``302 Found`` by default); the target is percent-encoded, never sent raw."""

    def __init__(
        self,
        url: str,
        status_code: int = 302,
        headers: Mapping[str, str] | None = None,
        background: Any = None,
    ) -> None:
        if not 300 <= status_code <= 399:
            raise ValueError(f"A redirect needs a 3xx status code; got {status_code!r}.")
        super().__init__(str(url), status_code, headers, background)


class StreamingResponse(_CookieMixin, _starlette.StreamingResponse):
    """A body sent as an (async) iterator yields it: large exports, proxies, generated files.

    The status line and headers go out with the first chunk, not before: an iterator that
    fails before yielding anything still gets a proper ``500``. A failure after the first
    chunk can only cut the response short (the client sees an incomplete body).
    """

    async def stream_response(self, send: Any) -> None:
        """Send the headers once the first chunk is ready, then the rest of the body."""
        iterator = aiter(self.body_iterator)
        try:
            first: Any = await anext(iterator)
        except StopAsyncIteration:
            first = None
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        if first is not None:
            await send(
                {"type": "http.response.body", "body": self._bytes(first), "more_body": True}
            )
            async for chunk in iterator:
                await send(
                    {"type": "http.response.body", "body": self._bytes(chunk), "more_body": True}
                )
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    def _bytes(self, chunk: Any) -> Any:
        return chunk if isinstance(chunk, bytes | memoryview) else chunk.encode(self.charset)


class FileResponse(_CookieMixin, _starlette.FileResponse):
    """A file from disk, with ``Range`` support (206), ETag and Last-Modified.

    A ``Range`` header that asks for too many ranges, or for an inverted one, gets the whole
    file (``200``) as RFC 9110 allows, in bounded time; a range past the end gets ``416``.
    """

    max_ranges = 100

    @classmethod
    def _parse_range_header(cls, http_range: str, file_size: int) -> list[tuple[int, int]]:
        try:
            return super()._parse_range_header(http_range, file_size)
        except _starlette.MalformedRangeHeader:
            return []


_TEXT_TYPE = b"text/plain; charset=utf-8"
_JSON_TYPE = b"application/json"


def _made(cls: type[_starlette.Response], body: bytes, content_type: bytes) -> _starlette.Response:
    """Return a *cls* response of *body*: the same object Starlette's ``__init__`` makes.

    The raw headers are built here directly, as ``init_headers`` would for a 200 with no
    headers given (content-length, then content-type): saves three calls per response.
    """
    response = cls.__new__(cls)
    response.status_code = 200
    response.background = None
    response.body = body
    response.raw_headers = [(b"content-length", b"%d" % len(body)), (b"content-type", content_type)]
    return response


def to_response(value: Any) -> _starlette.Response:
    """Return *value* as a Response, following the return-value rules of the module."""
    kind = type(value)
    if kind is str:  # the common returns first, by exact type: one test each
        return _made(PlainTextResponse, value.encode("utf-8"), _TEXT_TYPE)
    if kind is dict or kind is list:
        return _made(JSONResponse, encode_json(value, json_default), _JSON_TYPE)
    if isinstance(value, _starlette.Response):
        return value
    if value is None:
        return Response(status_code=204)
    if isinstance(value, str):
        return PlainTextResponse(value)
    if isinstance(value, dict | list):
        return JSONResponse(value)
    if isinstance(value, tuple):
        return _from_tuple(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return Response(bytes(value), media_type="application/octet-stream")
    if callable(getattr(value, "model_dump", None)) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type)
    ):
        return JSONResponse(json_default(value))
    raise TypeError(
        f"A handler returned {type(value).__name__}; return a Response, dict, list, str, "
        "bytes, dataclass, pydantic model or None."
    )


def _from_tuple(value: tuple[Any, ...]) -> _starlette.Response:
    if not 2 <= len(value) <= 3 or not isinstance(value[1], int):
        raise TypeError(
            "A handler returned a tuple; use (value, status_code) or "
            f"(value, status_code, headers), got {value!r:.80}."
        )
    response = to_response(value[0])
    response.status_code = value[1]
    if len(value) == 3:
        for name, header in dict(value[2]).items():
            response.headers[name] = header
    return response
