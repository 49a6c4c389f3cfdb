"""``AuthenticationMiddleware``: ``request.user`` on every route, loaded once, never for nobody."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from framework.auth import AuthenticationMiddleware, LoginManager, login_required
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Request, WebSocket

SECRET = "authentication-middleware-secret-0123456789abcdef"
MIDDLEWARE = [
    "framework.web.middleware.SessionMiddleware",
    "framework.auth.CSRFMiddleware",
    "framework.auth.AuthenticationMiddleware",
]
MANAGER = LoginManager()
LOADS: list[str] = []


@MANAGER.user_loader
async def load_user(user_id: str) -> Any:
    LOADS.append(user_id)
    return {"id": user_id, "name": "ann"} if user_id == "1" else None


@pytest.fixture(autouse=True)
def _settings() -> Iterator[None]:
    LOADS.clear()
    with settings.override(
        SECRET_KEY=SECRET, LOGIN_MANAGER=f"{__name__}:MANAGER", MIDDLEWARE=MIDDLEWARE
    ):
        yield


def build() -> App:
    app = App()

    @app.post("/login")
    async def login(request: Request) -> dict[str, bool]:
        await MANAGER.login(request, {"id": "1", "name": "ann"})
        return {"ok": True}

    @app.get("/")
    async def home(request: Request) -> dict[str, Any]:
        return {"user": request.user and request.user["name"], "state": request.state.user}

    @app.get("/private")
    @login_required
    async def private(request: Request) -> dict[str, Any]:
        return {"user": request.user["name"]}

    @app.websocket("/ws")
    async def socket(ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_json({"user": ws.user and ws.user["name"]})
        await ws.close()

    return app


def test_anonymous_requests_get_none_without_loading_anyone() -> None:
    with TestClient(build()) as client:
        assert client.get("/").json() == {"user": None, "state": None}
    assert LOADS == []


def test_a_logged_in_user_is_on_every_route_and_loaded_once() -> None:
    with TestClient(build()) as client:
        assert client.post("/login").status_code == 200
        LOADS.clear()
        assert client.get("/").json()["user"] == "ann"
        assert LOADS == ["1"]
        LOADS.clear()
        # @login_required reuses the user the middleware loaded: one query, not two.
        assert client.get("/private").json() == {"user": "ann"}
        assert LOADS == ["1"]
        with client.websocket_connect("/ws") as ws:
            assert ws.receive_json() == {"user": "ann"}


def test_static_files_and_mounts_never_load_the_user(tmp_path: Any) -> None:
    (tmp_path / "app.css").write_text("body{}")
    with settings.override(STATICFILES_DIRS=[str(tmp_path)], DEBUG=True, BASE_DIR=tmp_path):
        app = build()
    with TestClient(app) as client:
        client.post("/login")
        LOADS.clear()
        assert client.get("/static/app.css").text == "body{}"
    assert LOADS == []


def test_without_the_middleware_request_user_names_it() -> None:
    with settings.override(MIDDLEWARE=MIDDLEWARE[:2]):
        app = App()

    @app.get("/")
    async def home(request: Request) -> Any:
        return {"user": request.user}

    with (
        TestClient(app) as client,
        pytest.raises(ImproperlyConfigured, match=r"framework\.auth\.AuthenticationMiddleware"),
    ):
        client.get("/")


def test_the_middleware_is_importable_from_framework_auth() -> None:
    assert AuthenticationMiddleware.__module__ == "framework.auth.middleware"
