"""Test clients: lifespan, base URL, raised errors, cookies, the async client, WebSockets."""

from __future__ import annotations

from typing import Any

import pytest

from framework.conf import settings
from framework.testing import AsyncClient, LifespanManager, TestClient, default_base_url
from framework.web import App, Request


def small_app() -> App:
    app = App()
    app.state.started = False

    @app.on_startup
    async def start() -> None:
        app.state.started = True

    @app.get("/")
    async def index(request: Request) -> dict[str, Any]:
        return {
            "started": request.app.state.started,
            "host": request.url.hostname,
            "scheme": request.url.scheme,
        }

    @app.get("/boom")
    async def boom(request: Request) -> None:
        raise RuntimeError("boom")

    @app.get("/cookie")
    async def cookie(request: Request) -> Any:
        from framework.web import JSONResponse

        response = JSONResponse({"seen": request.cookies.get("flavour")})
        response.set_cookie("flavour", "oat")
        return response

    return app


def test_with_block_runs_the_lifespan() -> None:
    with TestClient(small_app()) as client:
        assert client.get("/").json() == {"started": True, "host": "localhost", "scheme": "https"}


def test_without_with_no_lifespan_runs() -> None:
    client = TestClient(small_app())
    assert client.get("/").json()["started"] is False
    client.close()


def test_server_errors_are_raised_or_returned() -> None:
    with TestClient(small_app()) as client, pytest.raises(RuntimeError, match="boom"):
        client.get("/boom")
    with TestClient(small_app(), raise_server_exceptions=False) as client:
        assert client.get("/boom").status_code == 500


def test_cookies_persist_between_requests() -> None:
    with TestClient(small_app()) as client:
        assert client.get("/cookie").json() == {"seen": None}
        assert client.get("/cookie").json() == {"seen": "oat"}


@pytest.mark.parametrize(
    ("hosts", "url"),
    [
        (["example.com"], "https://example.com"),
        (["*.example.com"], "https://test.example.com"),
        ([".example.com"], "https://example.com"),
        (["*"], "https://testserver"),
        ([], "https://testserver"),
    ],
)
def test_default_base_url_follows_allowed_hosts(hosts: list[str], url: str) -> None:
    with settings.override(ALLOWED_HOSTS=hosts):
        app = App()
    assert default_base_url(app) == url


def test_websocket_needs_an_open_client() -> None:
    client = TestClient(small_app())
    with pytest.raises(RuntimeError) as error:
        client.websocket_connect("/ws")
    assert str(error.value) == (
        "websocket_connect() needs the client open: use 'with TestClient(app)'."
    )


async def test_async_client_runs_the_lifespan() -> None:
    async with AsyncClient(small_app()) as client:
        response = await client.get("/")
    assert response.json()["started"] is True


async def test_lifespan_failure_is_raised() -> None:
    app = App()

    @app.on_startup
    def fail() -> None:
        raise RuntimeError("cannot start")

    with pytest.raises(RuntimeError, match="cannot start"):
        async with LifespanManager(app):
            pass
