"""Server-Sent Events in-process: event encoding, both handler styles, keep-alive, errors."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from framework.testing import TestClient
from framework.web import App, Controller, EventSource, Request, ServerSentEvent, sse

#: ASGI scope key of the event set once a keep-alive comment was sent (see keep_alive_spy).
KEEP_ALIVE_SENT = "tests.keep_alive_sent"


class Feed(Controller):
    path = "/feed"

    @sse("/ticks")
    async def ticks(self, request: Request) -> Any:
        for index in range(3):
            yield {"event": "tick", "data": {"n": index}, "id": index}

    @sse("/mixed")
    async def mixed(self, request: Request) -> Any:
        yield "plain text"
        yield {"n": 1}  # not event fields: the whole dict is the data
        yield ServerSentEvent(data="two\nlines", retry=1500, comment="note")

    @sse("/send")
    async def send_style(self, request: Request, sse: EventSource) -> None:
        await sse.send({"n": 1}, event="tick", id="a")
        await sse.comment("heartbeat")
        await sse.send("last")

    @sse("/slow", keepalive=0.05)
    async def slow(self, request: Request) -> Any:
        await request.scope[KEEP_ALIVE_SENT].wait()  # silent until a keep-alive went out
        yield "late"

    @sse("/rooms/{room:int}")
    async def room(self, request: Request, room: int) -> Any:
        yield {"data": {"room": room}}

    @sse("/broken")
    async def broken(self, request: Request) -> Any:
        yield "first"
        raise RuntimeError("stream bug")


def feed_client() -> TestClient:
    app = App()
    app.include(Feed)
    return TestClient(app)


def test_generator_events_are_encoded() -> None:
    with feed_client() as client:
        response = client.get("/feed/ticks")
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["x-accel-buffering"] == "no"
    assert response.text == (
        'event: tick\nid: 0\ndata: {"n":0}\n\n'
        'event: tick\nid: 1\ndata: {"n":1}\n\n'
        'event: tick\nid: 2\ndata: {"n":2}\n\n'
    )


def test_strings_dicts_and_event_objects() -> None:
    with feed_client() as client:
        text = client.get("/feed/mixed").text
    assert text == (
        'data: plain text\n\ndata: {"n":1}\n\n: note\nretry: 1500\ndata: two\ndata: lines\n\n'
    )


def test_send_style_handler() -> None:
    with feed_client() as client:
        text = client.get("/feed/send").text
    assert text == 'event: tick\nid: a\ndata: {"n":1}\n\n: heartbeat\n\ndata: last\n\n'


def keep_alive_spy(app: App) -> Any:
    """Wrap *app*: each request's scope carries an event set when a keep-alive was sent."""

    async def spy(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await app(scope, receive, send)
        sent = scope[KEEP_ALIVE_SENT] = asyncio.Event()

        async def watched(message: dict[str, Any]) -> None:
            await send(message)
            if b": keep-alive" in message.get("body", b""):
                sent.set()

        return await app(scope, receive, watched)

    return spy


def test_keep_alive_comments_fill_silence() -> None:
    app = App()
    app.include(Feed)
    with TestClient(keep_alive_spy(app)) as client:
        text = client.get("/feed/slow").text
    assert text.startswith(": keep-alive\n\n")
    assert text.endswith("data: late\n\n")


def test_path_parameters_reach_the_handler() -> None:
    with feed_client() as client:
        assert client.get("/feed/rooms/4").text == 'data: {"room":4}\n\n'


def test_handler_error_mid_stream_is_logged_and_the_stream_ends(caplog: Any) -> None:
    with feed_client() as client, caplog.at_level(logging.ERROR, "framework.web"):
        response = client.get("/feed/broken")
    assert response.text == "data: first\n\n"
    assert caplog.records[0].getMessage() == "Server-Sent Events handler failed"
    assert "stream bug" in caplog.text


@pytest.mark.parametrize(
    ("event", "message"),
    [
        (ServerSentEvent(data="x", event="a\nb"), "The SSE event name 'a\\nb' must not contain"),
        (ServerSentEvent(data="x", id="1\r2"), "The SSE id '1\\r2' must not contain"),
    ],
)
def test_line_breaks_in_fields_are_refused(event: ServerSentEvent, message: str) -> None:
    with pytest.raises(ValueError) as error:
        event.encode()
    assert str(error.value).startswith(message)


def test_function_sse_route_on_the_app() -> None:
    app = App()

    @app.sse("/events")
    async def events(request: Request) -> Any:
        yield "hello"

    with TestClient(app) as client:
        assert client.get("/events").text == "data: hello\n\n"
