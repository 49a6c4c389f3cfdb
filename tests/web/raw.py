"""Hand-built ASGI requests: exact methods, paths and headers that HTTP clients normalise."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


class RawResponse:
    """What an app sent back for a hand-built ASGI request."""

    def __init__(
        self,
        status: int,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
        messages: list[dict[str, Any]] | None = None,
    ) -> None:
        self.status = status
        self.headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in headers}
        self.raw_headers = headers
        self.body = body
        #: Every ASGI message the app sent, in order.
        self.messages = messages or []


async def call_asgi(
    app: Any,
    method: str = "GET",
    path: str = "/",
    *,
    headers: list[tuple[bytes, bytes]] | None = None,
    body: bytes = b"",
    query_string: bytes = b"",
    scheme: str = "http",
    on_start: Callable[[], Awaitable[None]] | None = None,
    raise_app_exceptions: bool = True,
) -> RawResponse:
    """Send one request to *app* with exactly the given method, path and headers.

    *on_start* is awaited when the app sends ``http.response.start``, before it is recorded:
    a test can look at the world at the moment the response begins.
    """
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": scheme,
        "path": path,
        "raw_path": path.encode("latin-1", "replace"),
        "query_string": query_string,
        "root_path": "",
        "client": ("127.0.0.1", 1234),
        "server": ("localhost", 80),
        "headers": headers if headers is not None else [(b"host", b"localhost")],
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, Any]] = []
    complete = asyncio.Event()

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await complete.wait()  # like a real client: stay connected until the response ends
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and on_start is not None:
            await on_start()
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            complete.set()

    try:
        await app(scope, receive, send)
    except Exception:
        if raise_app_exceptions:
            raise
    start = next(message for message in sent if message["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return RawResponse(start["status"], list(start.get("headers", [])), content, sent)
