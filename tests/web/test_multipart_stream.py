"""``FormDataIter``: a large multipart form read part by part, files spooled to disk."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.datastructures import UploadFile

from framework.conf import settings
from framework.testing import TestClient, live_server
from framework.web import App, FormDataIter, Request

BOUNDARY = "----parity-boundary"


def part(name: str, value: bytes, filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
    if filename:
        head += "Content-Type: application/octet-stream\r\n"
    return head.encode() + b"\r\n" + value + b"\r\n"


def form(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


HEADERS = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}


def build(events: list[Any], **route: Any) -> App:
    app = App()

    @app.post("/upload", **route)
    async def upload(request: Request) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        async for name, value in FormDataIter(request, max_memory_size=1024):
            if isinstance(value, UploadFile):
                on_disk = value.file._rolled  # type: ignore[attr-defined]
                data = await value.read()
                events.append(("file", name, len(data), on_disk))
                seen[name] = {"size": len(data), "on_disk": on_disk, "name": value.filename}
                await value.close()
            else:
                events.append(("field", name, value))
                seen[name] = value
        return seen

    return app


def test_parts_fields_and_files_with_memory_and_disk() -> None:
    events: list[Any] = []
    body = form(
        part("title", b"holiday"),
        part("small", b"x" * 100, "small.bin"),
        part("large", os.urandom(200_000), "large.bin"),
    )
    with TestClient(build(events)) as client:
        answer = client.post("/upload", content=body, headers=HEADERS)
    assert answer.json() == {
        "title": "holiday",
        "small": {"size": 100, "on_disk": False, "name": "small.bin"},
        "large": {"size": 200_000, "on_disk": True, "name": "large.bin"},
    }
    assert [event[:2] for event in events] == [
        ("field", "title"),
        ("file", "small"),
        ("file", "large"),
    ]


def test_the_first_part_is_handled_before_the_last_is_sent() -> None:
    """Over a real server: the handler sees part one while the client still holds part two."""
    events: list[Any] = []
    handled_first = asyncio.Event()
    app = build(events)

    @app.post("/signal")
    async def signal(request: Request) -> dict[str, int]:
        async for name, _value in FormDataIter(request):
            events.append(name)
            if name == "first":
                handled_first.set()
        return {"parts": len(events)}

    async def body() -> AsyncIterator[bytes]:
        # A part ends where the next delimiter begins: send that too, then wait.
        yield first
        for _ in range(400):  # wait until the server has handled the first part
            if handled_first.is_set():
                break
            await asyncio.sleep(0.05)
        assert handled_first.is_set(), "the first part was not handed over before the rest"
        yield rest

    first = part("first", b"1") + f"--{BOUNDARY}\r\n".encode()
    rest = part("second", b"2").removeprefix(f"--{BOUNDARY}\r\n".encode())
    rest += f"--{BOUNDARY}--\r\n".encode()
    # With Content-Length (as browsers send forms) the body reaches the handler as it comes.
    headers = {**HEADERS, "Content-Length": str(len(first) + len(rest))}

    async def send(url: str) -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.post(url + "/signal", content=body(), headers=headers)

    with live_server(app) as url:
        answer = asyncio.run(send(url))
    assert answer.json() == {"parts": 2}
    assert events == ["first", "second"]


def test_limits_apply(tmp_path: Any) -> None:
    events: list[Any] = []
    with settings.override(FORM_MAX_FILES=1, FORM_MAX_PART_SIZE=10):
        app = build(events, max_body_size=50_000)
    with TestClient(app) as client:
        two_files = form(part("a", b"1", "a.bin"), part("b", b"2", "b.bin"))
        refused = client.post("/upload", content=two_files, headers=HEADERS)
        assert refused.status_code == 400
        assert "Too many files" in refused.json()["detail"]
        long_field = client.post("/upload", content=form(part("t", b"x" * 11)), headers=HEADERS)
        assert long_field.status_code == 400
        huge = form(part("f", b"x" * 60_000, "f.bin"))
        assert client.post("/upload", content=huge, headers=HEADERS).status_code == 413
        plain = client.post("/upload", content=b"x", headers={"Content-Type": "text/plain"})
        assert plain.status_code == 415
        urlencoded = client.post("/upload", data={"q": "1"})
        assert urlencoded.json() == {"q": "1"}


def test_a_negative_memory_size_is_refused() -> None:
    with pytest.raises(ValueError, match="max_memory_size"):
        FormDataIter(None, max_memory_size=-1)  # type: ignore[arg-type]
