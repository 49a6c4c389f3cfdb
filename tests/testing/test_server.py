"""The live server: a real uvicorn on 127.0.0.1 and a free port."""

from __future__ import annotations

import httpx
import pytest

from framework.conf import settings
from framework.testing import live_server
from framework.web import App, Request


def test_live_server_serves_and_stops() -> None:
    with settings.override(ALLOWED_HOSTS=["127.0.0.1"]):
        app = App()

    @app.get("/")
    async def index(request: Request) -> dict[str, str]:
        return {"server": "live"}

    with live_server(app) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        assert httpx.get(base_url + "/").json() == {"server": "live"}
    with pytest.raises(httpx.ConnectError):
        httpx.get(base_url + "/", timeout=1)


def test_startup_failure_is_reported() -> None:
    app = App()

    @app.on_startup
    def fail() -> None:
        raise RuntimeError("no start")

    with pytest.raises(RuntimeError) as error, live_server(app, startup_timeout=5):
        pass
    assert str(error.value) == "The live server did not start (see the log for the error)."
