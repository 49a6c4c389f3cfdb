"""A WebSocket echo and a Server-Sent Events counter, and the page that uses both."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from framework.web import Controller, HTMLResponse, Request, WebSocket, get, render, sse, websocket

#: The counter counts from 1 to COUNT_TO, one number every INTERVAL seconds.
COUNT_TO = 10
INTERVAL = 0.3


class LiveController(Controller):
    """Real time: a WebSocket echo and a Server-Sent Events counter."""

    path = "/live"

    @get("/", include_in_schema=False, html=True)
    async def page(self, request: Request) -> HTMLResponse:
        """Show the page whose script talks to the echo and listens to the counter."""
        return render(request, "live/live.html")

    @websocket("/echo")
    async def echo(self, ws: WebSocket) -> None:
        """Send every text message back as it came, until the client leaves."""
        await ws.accept()
        async for text in ws.iter_text():
            await ws.send_text(text)

    @sse("/counter")
    async def counter(self, request: Request) -> AsyncIterator[dict[str, Any]]:
        """Count to ten
        ---
        A `tick` event with `{"n": 1}` to `{"n": 10}`, a few per second, then a `done` event,
        so a page can close the stream instead of letting the browser reconnect.
        """
        for n in range(1, COUNT_TO + 1):
            if n > 1:
                await asyncio.sleep(INTERVAL)
            yield {"event": "tick", "data": {"n": n}, "id": n}
        yield {"event": "done", "data": {"n": COUNT_TO}}
