"""Inputs built to be slow are answered quickly: Range headers and multipart boundaries.

What each request costs is measured as the CPU time of this process (the app runs in it), not
on the wall clock: other processes on a busy machine stretch the wall clock, not the work
done here. The bound is generous and still far below what a parser that is quadratic in
the input would spend.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from framework.conf import settings
from framework.testing import TestClient
from framework.web import App, FileResponse, Request

BOUND = 3.0  # CPU seconds: about 25 times what these take
SIZE = 100_000


@pytest.fixture
def client(tmp_path: Path) -> Any:
    target = tmp_path / "data.bin"
    target.write_bytes(bytes(range(256)) * (SIZE // 256) + b"x" * (SIZE % 256))
    # Headers as large as a deployment may allow: the parsers must still be fast.
    with settings.override(MAX_HEADER_SIZE=0):
        app = App()
    calls: list[str] = []

    @app.get("/file")
    async def download(request: Request) -> FileResponse:
        return FileResponse(target)

    @app.post("/form")
    async def form(request: Request) -> dict[str, Any]:
        async with request.form() as data:
            calls.append("form")
            return {"fields": len(data)}

    with TestClient(app) as test_client:
        test_client.calls = calls  # type: ignore[attr-defined]
        yield test_client


def timed(call: Any) -> tuple[Any, float]:
    """Return *call*'s result and the CPU seconds this process spent on it."""
    start = time.process_time()
    result = call()
    return result, time.process_time() - start


@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(",".join(f"{i}-{i}" for i in range(100_000)), id="100k-one-byte-ranges"),
        pytest.param(",".join(f"{i}-" for i in range(0, 50_000, 5)), id="10k-open-ranges"),
        pytest.param(",".join("0-99999" for _ in range(20_000)), id="20k-whole-file-ranges"),
        pytest.param(",".join(f"-{i}" for i in range(1, 20_001)), id="20k-suffix-ranges"),
        pytest.param(",".join(f"{i + 9}-{i}" for i in range(20_000)), id="20k-inverted-ranges"),
    ],
)
def test_thousands_of_ranges_get_the_whole_file_in_bounded_time(client: Any, spec: str) -> None:
    response, elapsed = timed(lambda: client.get("/file", headers={"range": "bytes=" + spec}))
    assert response.status_code in (200, 416)
    if response.status_code == 200:
        assert len(response.content) == SIZE  # never a multipart answer larger than the file
    assert elapsed < BOUND, elapsed


PART = b'--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nhello\r\n--x--\r\n'


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param("multipart/form-data", PART, id="missing"),
        pytest.param("multipart/form-data; boundary=", PART, id="empty"),
        pytest.param(
            "multipart/form-data; boundary=" + "b" * 5000,
            b"--" + b"b" * 5000 + PART[3:].replace(b"--x--", b"--" + b"b" * 5000 + b"--"),
            id="5000-characters",
        ),
        pytest.param(
            'multipart/form-data; boundary="' + "\\" * 50_000 + '"', PART, id="50k-backslashes"
        ),
        pytest.param(
            "multipart/form-data; boundary=x",
            PART.replace(b"\r\n\r\n", b"\r\n" + b"X-Pad: y\r\n" * 100_000 + b"\r\n"),
            id="100k-part-headers",
        ),
        pytest.param(
            "multipart/form-data; boundary=x", b"--x\r\n" + b"-" * 1_000_000, id="1mb-of-dashes"
        ),
        pytest.param(
            "multipart/form-data; boundary=x", b"\r\n--x" * 200_000, id="200k-empty-parts"
        ),
    ],
)
def test_pathological_multipart_is_400_fast(client: Any, content_type: str, body: bytes) -> None:
    response, elapsed = timed(
        lambda: client.post("/form", content=body, headers={"content-type": content_type})
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"] == []
    assert client.calls == []
    assert elapsed < BOUND, elapsed
