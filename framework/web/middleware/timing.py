"""``TimingMiddleware``: report how long the app took, as a ``Server-Timing`` header."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["TimingMiddleware"]


class TimingMiddleware:
    """Add ``Server-Timing: app;dur=<milliseconds>`` (time until the response starts)."""

    def __init__(self, app: ASGIApp, metric: str = "app") -> None:
        self.app = app
        self.metric = metric

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_with_timing(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - started) * 1000
                header = (b"server-timing", f"{self.metric};dur={elapsed:.3f}".encode("latin-1"))
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, send_with_timing)
