"""WebSockets and Server-Sent Events against a real uvicorn with real clients."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from framework.conf import settings
from framework.testing import live_server
from framework.web import App, Controller, EventSource, Request, WebSocket, sse, websocket

FINALLY_RAN = threading.Event()


class Live(Controller):
    path = "/live"

    @websocket("/echo")
    async def echo(self, ws: WebSocket) -> None:
        await ws.accept()
        async for text in ws.iter_text():
            await ws.send_text(text)

    @websocket("/kinds")
    async def kinds(self, ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_json({"hello": await ws.receive_json()})
        await ws.send_bytes((await ws.receive_bytes()).upper())
        await ws.close(code=4000, reason="finished")

    @websocket("/small", max_message_size=16)
    async def small(self, ws: WebSocket) -> None:
        await ws.accept()
        async for data in ws.iter_bytes():
            await ws.send_text(f"got {len(data)}")

    @sse("/ticks")
    async def ticks(self, request: Request) -> Any:
        for index in range(3):
            yield {"event": "tick", "data": {"n": index}, "id": index}

    @sse("/forever", keepalive=0.1)
    async def forever(self, request: Request) -> Any:
        FINALLY_RAN.clear()
        try:
            yield {"data": 0}
            await asyncio.Event().wait()  # silence until the client leaves: keep-alives fill it
        finally:
            FINALLY_RAN.set()

    @sse("/sender")
    async def sender(self, request: Request, sse: EventSource) -> None:
        await sse.send({"step": 1}, event="progress", retry=2000)
        await sse.send("done", event="end")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with settings.override(ALLOWED_HOSTS=["127.0.0.1"]):
        app = App()
    app.include(Live)
    with live_server(app) as url:
        yield url


def ws_url(base_url: str, path: str) -> str:
    return base_url.replace("http://", "ws://") + path


def test_websocket_text_echo(base_url: str) -> None:
    with connect(ws_url(base_url, "/live/echo"), proxy=None) as ws:
        ws.send("hello")
        assert ws.recv(timeout=5) == "hello"


def test_websocket_json_bytes_and_close_code(base_url: str) -> None:
    with connect(ws_url(base_url, "/live/kinds"), proxy=None) as ws:
        ws.send('{"a": 1}')
        assert ws.recv(timeout=5) == '{"hello":{"a":1}}'
        ws.send(b"abc")
        assert ws.recv(timeout=5) == b"ABC"
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4000, "finished")


def test_websocket_message_over_the_limit_closes_1009(base_url: str) -> None:
    with connect(ws_url(base_url, "/live/small"), proxy=None) as ws:
        ws.send(b"x" * 16)
        assert ws.recv(timeout=5) == "got 16"
        ws.send(b"x" * 17)
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=5)
    assert closed.value.rcvd.code == 1009


def test_cross_site_websocket_with_cookies_is_403(base_url: str) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(
            ws_url(base_url, "/live/echo"),
            proxy=None,
            origin="https://evil.example",
            additional_headers={"Cookie": "session=abc"},
        )
    assert refused.value.response.status_code == 403
    same_site = base_url  # the page's own origin is allowed
    with connect(
        ws_url(base_url, "/live/echo"),
        proxy=None,
        origin=same_site,
        additional_headers={"Cookie": "session=abc"},
    ) as ws:
        ws.send("ok")
        assert ws.recv(timeout=5) == "ok"


def read_events(response: httpx.Response, count: int) -> list[str]:
    events, buffer = [], ""
    for text in response.iter_text():
        buffer += text
        while "\n\n" in buffer:
            event, buffer = buffer.split("\n\n", 1)
            events.append(event)
            if len(events) == count:
                return events
    return events


def test_sse_stream(base_url: str) -> None:
    with (
        httpx.Client(trust_env=False) as client,
        client.stream("GET", base_url + "/live/ticks") as response,
    ):
        assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
        events = read_events(response, 3)
    assert events == [f'event: tick\nid: {n}\ndata: {{"n":{n}}}' for n in range(3)]


def test_sse_send_style(base_url: str) -> None:
    with httpx.Client(trust_env=False) as client:
        text = client.get(base_url + "/live/sender").text
    assert text == 'event: progress\nretry: 2000\ndata: {"step":1}\n\nevent: end\ndata: done\n\n'


def test_sse_keepalive_and_disconnect_runs_the_handlers_finally(base_url: str) -> None:
    with (
        httpx.Client(trust_env=False, timeout=30) as client,
        client.stream("GET", base_url + "/live/forever") as response,
    ):
        events = read_events(response, 4)
    assert events[0] == "data: 0"
    assert ": keep-alive" in events
    assert FINALLY_RAN.wait(30), "the handler's finally did not run after the client left"
