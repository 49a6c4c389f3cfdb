"""Clients that vanish mid-request, against a real uvicorn: nothing kept, nothing leaked.

* An upload cut off half-way: the handler never runs, no row is written, no file is stored
  and the spooled temporary file is closed (so deleted).
* A WebSocket or Server-Sent Events client that goes away: the handler is cancelled, its
  ``finally`` runs and its database connection goes back to the pool.

The server runs in this process (``live_server``), so its open files and its engine's pool
can be inspected directly. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import socket
import struct
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from pydantic import BaseModel
from sqlalchemy import func, select
from websockets.sync.client import connect

from framework.cli.runtime import run_async
from framework.conf import settings
from framework.db import session
from framework.io import input
from framework.io.pydantic import FileField
from framework.testing import live_server
from framework.web import App, Request, WebSocket

KEY = "disconnect-tests-secret-key-0123456789-abcdefghij"
BOUNDARY = "disconnect-boundary"


class UploadIn(BaseModel):
    """A titled file."""

    title: str
    attachment: FileField


class Events:
    """What the handlers did, shared between the server thread and the test."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.finished = threading.Event()
        self.holding = threading.Event()
        self.engine: Any = None


def build_app(Post: Any, media: Path, events: Events) -> App:
    with settings.override(SECRET_KEY=KEY, ALLOWED_HOSTS=["127.0.0.1"]):
        app = App()

    @app.post("/upload")
    @input(UploadIn, location="form")
    async def upload(request: Request, data: UploadIn) -> dict[str, Any]:
        events.calls.append("upload")
        stored = await data.attachment.asave(root=media)
        post = await Post.create(title=data.title)
        return {"id": post.id, "stored": stored}

    async def hold_a_connection(db: Any) -> None:
        """Take a pooled connection (a query), then wait for the client to leave."""
        events.engine = (await db.connection()).engine
        await db.scalar(select(func.count()).select_from(Post))
        events.holding.set()

    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        try:
            await hold_a_connection(websocket.db)
            await websocket.send_text("holding")
            while True:
                await websocket.receive_text()
        finally:
            events.finished.set()

    @app.sse("/events", keepalive=0.05)
    async def stream(request: Request) -> Any:
        try:
            await hold_a_connection(request.db)
            yield {"data": "tick"}
            await asyncio.Event().wait()  # silence until the client leaves: keep-alives fill it
        finally:
            events.finished.set()

    return app


@pytest.fixture
def server(shared_migrated: dict[str, str], models: Any, tmp_path: Path) -> Iterator[Any]:
    media = tmp_path / "media"
    media.mkdir()
    events = Events()
    with live_server(build_app(models.Post, media, events)) as url:
        yield SimpleNamespace(url=url, media=media, events=events, Post=models.Post)


def count_rows(server: Any) -> int:
    """Count the posts in a loop of its own (its engine is closed with it)."""

    async def count() -> int:
        async with session() as db:
            return int(await db.scalar(select(func.count()).select_from(server.Post)))

    return int(run_async(count))


def open_files() -> set[str]:
    found = set()
    for entry in Path("/proc/self/fd").iterdir():
        try:
            found.add(os.readlink(entry))
        except OSError:
            continue
    return found


def server_end(sock: socket.socket) -> int:
    """Return the descriptor of the server's end of *sock*'s connection (in this process)."""
    for entry in Path("/proc/self/fd").iterdir():
        descriptor = int(entry.name)
        try:
            if descriptor == sock.fileno() or not os.readlink(entry).startswith("socket:"):
                continue
            with socket.socket(fileno=os.dup(descriptor)) as other:
                if other.type == socket.SOCK_STREAM and other.getpeername() == sock.getsockname():
                    return descriptor
        except OSError:
            continue
    raise LookupError("the server has not accepted the connection")


def unread(sock: socket.socket) -> int:
    """Return how many bytes sent on *sock* the server has not read yet."""

    def queued(descriptor: int, request: int) -> int:
        return int(struct.unpack("i", fcntl.ioctl(descriptor, request, b"\0" * 4))[0])

    try:
        waiting = queued(server_end(sock), termios.FIONREAD)  # received, not read
    except LookupError:
        return -1
    return waiting + queued(sock.fileno(), termios.TIOCOUTQ)  # + sent, not yet received


def wait_until(condition: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def upload_head(total: int, chunked: bool) -> bytes:
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}"
    return (
        f"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\n{length}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n\r\n"
    ).encode()


def part_start() -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nhalf\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="attachment"; '
        'filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_client_disconnect_mid_upload_keeps_nothing(server: Any, chunked: bool) -> None:
    rows = count_rows(server)
    files = open_files()
    # Two megabytes of a declared five: more than the one megabyte a spooled upload keeps in
    # memory, so the parser has a temporary file on disk when the client goes away.
    data = part_start() + b"x" * 2 * 1024 * 1024
    with socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1]))) as sock:
        sock.sendall(upload_head(5 * 1024 * 1024, chunked))
        sock.sendall(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
        assert wait_until(lambda: unread(sock) == 0), "the server stopped reading the upload"
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    assert wait_until(lambda: open_files() - files == set()), open_files() - files
    assert server.events.calls == []
    assert list(server.media.iterdir()) == []
    assert count_rows(server) == rows
    # The server keeps serving: the same upload, complete, goes through.
    response = httpx.post(
        server.url + "/upload",
        data={"title": "whole"},
        files={"attachment": ("small.bin", b"data")},
    )
    assert response.status_code == 200
    assert count_rows(server) == rows + 1


def test_websocket_client_vanishes_handler_finishes_and_connection_returns(server: Any) -> None:
    events = server.events
    with connect(server.url.replace("http://", "ws://") + "/ws") as websocket:
        assert websocket.recv(timeout=60) == "holding"
        assert events.engine.pool.checkedout() == 1
        websocket.socket.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
        )
        websocket.socket.close()  # gone without a closing handshake
    assert events.finished.wait(60), "the handler's finally did not run"
    assert wait_until(lambda: events.engine.pool.checkedout() == 0)


def test_sse_client_vanishes_handler_finishes_and_connection_returns(server: Any) -> None:
    events = server.events
    with (
        httpx.Client(timeout=60) as client,
        client.stream("GET", server.url + "/events") as response,
    ):
        # Keep-alive comments may come first, while the handler runs its query.
        data = (line for line in response.iter_lines() if line and not line.startswith(":"))
        assert next(data) == "data: tick"
        assert events.holding.wait(60)
        assert events.engine.pool.checkedout() == 1
    assert events.finished.wait(60), "the handler's finally did not run"
    assert wait_until(lambda: events.engine.pool.checkedout() == 0)
