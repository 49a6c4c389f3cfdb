"""GZip: compresses large bodies for clients that accept it (GZIP_MIN_SIZE)."""

from __future__ import annotations

import gzip

from framework.conf import settings
from framework.testing import TestClient
from framework.web import App, Request

MIDDLEWARE = ["framework.web.middleware.GZipMiddleware"]


def gzip_app(minimum: int) -> App:
    with settings.override(MIDDLEWARE=MIDDLEWARE, GZIP_MIN_SIZE=minimum):
        app = App()

    @app.get("/text")
    async def text(request: Request) -> str:
        return "x" * 1000

    return app


def test_large_bodies_are_gzipped() -> None:
    with TestClient(gzip_app(500)) as client:
        response = client.get("/text", headers={"accept-encoding": "gzip"})
        raw = client.build_request("GET", "/text", headers={"accept-encoding": "gzip"})
        streamed = client.send(raw, stream=True)
        compressed = b"".join(streamed.iter_raw())
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == "x" * 1000
    assert gzip.decompress(compressed) == b"x" * 1000


def test_small_bodies_and_other_clients_are_left_alone() -> None:
    with TestClient(gzip_app(5000)) as client:
        small = client.get("/text", headers={"accept-encoding": "gzip"})
    with TestClient(gzip_app(10)) as client:
        identity = client.get("/text", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in small.headers
    assert "content-encoding" not in identity.headers
