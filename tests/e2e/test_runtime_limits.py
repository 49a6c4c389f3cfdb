"""Bounded input and failures over raw sockets to a real uvicorn (httptools): always an answer.

A client library would hide what is tested here: header bytes exactly as sent, a response
that starts and is then cut, a connection closed without a status line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from websockets.sync.client import connect

from framework.conf import settings
from framework.testing import live_server
from framework.web import App, Request, StreamingResponse
from tests.e2e.conftest import raw_http

pytestmark = pytest.mark.e2e

LIMIT = 1000
HEAD = "Host: 127.0.0.1\r\nConnection: close\r\n"
#: Bytes the two headers above count for: (4 + 9 + 4) + (10 + 5 + 4).
HEAD_SIZE = 36
TOO_LARGE = b'{"detail":"Request headers are too large: the limit is %d bytes.","errors":[]}'
SERVER_ERROR = b'{"detail":"Internal Server Error","errors":[]}'


class Custom(Exception):
    """Raised by a handler; its error handler fails in turn."""


def build(**overrides: Any) -> App:
    with settings.override(DEBUG=False, **overrides):
        app = App()

    @app.get("/")
    async def index(request: Request) -> str:
        return "ok"

    @app.websocket("/ws")
    async def socket(ws: Any) -> None:
        await ws.accept()
        await ws.send_text("hello")
        await ws.close()

    @app.get("/boom")
    async def boom(request: Request) -> None:
        raise RuntimeError("handler bug")

    @app.error_handler(Custom)
    async def custom(request: Request, exc: Custom) -> None:
        raise LookupError("the error handler has a bug too")

    @app.get("/custom")
    async def raises_custom(request: Request) -> None:
        raise Custom

    @app.get("/stream-fails-first")
    async def fails_first(request: Request) -> StreamingResponse:
        async def rows() -> Any:
            raise RuntimeError("before the first chunk")
            yield b""  # pragma: no cover

        return StreamingResponse(rows())

    @app.get("/stream-fails-later")
    async def fails_later(request: Request) -> StreamingResponse:
        async def rows() -> Any:
            yield b"first row\n"
            raise RuntimeError("after the first chunk")

        return StreamingResponse(rows())

    return app


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    """Serve the app three ways: the default header limit, a small one, and none."""
    with (
        live_server(build()) as default,
        live_server(build(MAX_HEADER_SIZE=LIMIT)) as small,
        live_server(build(MAX_HEADER_SIZE=0)) as unlimited,
    ):
        yield {"default": default, "small": small, "unlimited": unlimited}


def get(path: str, *headers: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\n{HEAD}" + "".join(f"{h}\r\n" for h in headers) + "\r\n"
    ).encode()


def pad(total: int) -> str:
    """Return one header that brings the request's headers to *total* bytes as counted."""
    return "X-Pad: " + "p" * (total - HEAD_SIZE - len("x-pad") - 4)


def body_of(response: bytes) -> bytes:
    return response.partition(b"\r\n\r\n")[2]


def test_a_100_kb_header_is_431_by_default(servers: dict[str, str]) -> None:
    status, response = raw_http(servers["default"], get("/", "X-Pad: " + "p" * 100 * 1024))
    assert (status, body_of(response)) == (431, TOO_LARGE % (64 * 1024))


def test_headers_over_the_limit_are_431(servers: dict[str, str]) -> None:
    status, response = raw_http(servers["small"], get("/", pad(LIMIT + 1)))
    assert (status, body_of(response)) == (431, TOO_LARGE % LIMIT)
    assert b"\r\nvary: Accept\r\n" in response


def test_headers_at_the_limit_are_served(servers: dict[str, str]) -> None:
    status, response = raw_http(servers["small"], get("/", pad(LIMIT)))
    assert (status, body_of(response)) == (200, b"ok")


def test_no_header_limit_with_0(servers: dict[str, str]) -> None:
    status, response = raw_http(servers["unlimited"], get("/", "X-Pad: " + "p" * 100 * 1024))
    assert (status, body_of(response)) == (200, b"ok")


WEBSOCKET = (
    "Upgrade: websocket",
    "Connection: Upgrade",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version: 13",
)


def handshake(*extra: str) -> bytes:
    lines = ["GET /ws HTTP/1.1", "Host: 127.0.0.1", *WEBSOCKET, *extra, "", ""]
    return "\r\n".join(lines).encode()


def test_a_websocket_handshake_over_the_limit_is_431(servers: dict[str, str]) -> None:
    # Two headers under the WebSocket library's own per-line limit, together over ours.
    status, response = raw_http(
        servers["small"], handshake("X-Pad-A: " + "a" * 600, "X-Pad-B: " + "b" * 600)
    )
    assert (status, body_of(response)) == (431, TOO_LARGE % LIMIT)


def test_a_websocket_handshake_under_the_limit_is_accepted(servers: dict[str, str]) -> None:
    url = servers["small"].replace("http://", "ws://") + "/ws"
    with connect(url, additional_headers={"X-Pad": "p" * 600}) as websocket:
        assert websocket.recv(timeout=5) == "hello"


@pytest.mark.parametrize(
    "path",
    ["/boom", "/custom", "/stream-fails-first"],
    ids=["handler", "error-handler", "stream-before-its-first-chunk"],
)
def test_an_escaping_exception_is_a_500_answer_not_a_dropped_connection(
    servers: dict[str, str], path: str
) -> None:
    status, response = raw_http(servers["default"], get(path))
    assert (status, body_of(response)) == (500, SERVER_ERROR)
    # The worker is still serving.
    assert raw_http(servers["default"], get("/"))[0] == 200


def test_a_stream_failing_after_its_first_chunk_is_cut_short_visibly(
    servers: dict[str, str],
) -> None:
    # The status line went out with the first chunk: all a server can do is end the
    # connection without the chunked body's last chunk, which every client reports.
    status, response = raw_http(servers["default"], get("/stream-fails-later"))
    assert status == 200
    assert b"first row\n" in body_of(response)
    assert not response.endswith(b"0\r\n\r\n")
