"""Mounting ASGI apps: ``App.mount`` and ``Router.mount``, discovered in controllers.py too."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from framework.auth import login_required
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Router, get_asgi_application


def starlette_app() -> Starlette:
    async def index(request: Any) -> PlainTextResponse:
        return PlainTextResponse(f"index {request.scope['root_path']}")

    async def item(request: Any) -> PlainTextResponse:
        return PlainTextResponse(str(request.url_for("sub:item", key="k")))

    return Starlette(
        routes=[Route("/", index, name="index"), Route("/items/{key}", item, name="item")]
    )


def test_app_mount_serves_every_path_below_it_and_url_for_reaches_its_routes() -> None:
    app = App()

    @app.get("/own")
    async def own(request: Any) -> str:
        return "own"

    app.mount("/sub", starlette_app(), name="sub")
    with TestClient(app) as client:
        assert client.get("/sub/").text == "index /sub"
        assert client.get("/sub/items/k").text.endswith("://localhost/sub/items/k")
        assert client.get("/own").text == "own"
        redirected = client.get("/sub", follow_redirects=False)
        assert redirected.status_code == 307
        assert redirected.headers["location"].endswith("://localhost/sub/")
        assert client.get("/subway").status_code == 404
    assert app.url_for("sub:item", key="x") == "/sub/items/x"
    row = next(row for row in app.describe_routes() if row["kind"] == "mount")
    assert (row["path"], row["name"]) == ("/sub/{path:path}", "sub")


def test_a_mount_added_after_the_first_request_is_refused_saying_what_to_do() -> None:
    app = App()
    with TestClient(app) as client:
        assert client.get("/late/").status_code == 404
        with pytest.raises(ImproperlyConfigured) as refused:
            app.mount("/late", starlette_app())
        assert "'mount' can no longer be called on the App: it was built by its lifespan" in (
            str(refused.value)
        )
        assert "Make every declaration (routes, mounts," in str(refused.value)
        assert client.get("/late/").status_code == 404


def test_router_mount_under_prefix_and_namespace() -> None:
    router = Router(prefix="/tools", namespace="tools")
    router.mount("/sub", starlette_app(), name="sub")
    app = App()
    app.include(router, prefix="/v1")
    with TestClient(app) as client:
        assert client.get("/v1/tools/sub/").text == "index /v1/tools/sub"
    assert app.url_for("tools.sub:index") == "/v1/tools/sub/"


def test_a_mount_in_an_apps_controllers_module_is_discovered(webproject: object) -> None:
    app = get_asgi_application()
    with TestClient(app) as client:
        assert client.get("/shop/legacy/a/b").text == "legacy /shop/legacy /shop/legacy/a/b"
    rows = [row for row in app.describe_routes() if row["kind"] == "mount"]
    assert [(row["path"], row["app"]) for row in rows] == [("/shop/legacy/{path:path}", "shopapp")]


@pytest.mark.parametrize(
    ("path", "app", "message"),
    [
        ("sub", starlette_app(), "The path 'sub' of the mount of"),
        ("/", starlette_app(), "Cannot mount"),
        ("/x", "not an app", "a mounted app must be an ASGI application"),
    ],
)
def test_bad_mounts_are_refused_when_declared(path: str, app: Any, message: str) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        Router().mount(path, app)
    assert message in str(refused.value)


def test_two_mounts_with_one_name_are_refused() -> None:
    app = App()
    app.mount("/a", starlette_app(), name="sub")
    app.mount("/b", starlette_app(), name="sub")
    with pytest.raises(ImproperlyConfigured) as refused:
        app.build()
    assert "Two routes are named 'sub'" in str(refused.value)


def test_login_required_on_a_mounted_app_is_refused_not_ignored() -> None:
    mounted = login_required(starlette_app())
    app = App()
    app.mount("/private", mounted)
    with pytest.raises(ImproperlyConfigured) as refused:
        app.build()
    message = str(refused.value)
    assert message.startswith("@login_required cannot apply to the app mounted at '/private'")
    assert "authenticate inside the mounted app, or with a middleware" in message


def test_csrf_protects_a_mounted_app_like_the_frameworks_routes() -> None:
    from framework.conf import settings

    posted: list[str] = []

    async def receiver(request: Any) -> PlainTextResponse:
        posted.append("yes")
        return PlainTextResponse("stored")

    inner = Starlette(routes=[Route("/", receiver, methods=["POST"])])
    with settings.override(SECRET_KEY="mount-tests-secret-key-0123456789-abcdefghij"):
        app = App()

    @app.get("/token")
    async def token(request: Any) -> dict[str, str]:
        from framework.auth.csrf import get_csrf_token

        return {"token": get_csrf_token(request)}

    app.mount("/forms", inner)
    with TestClient(app) as client:
        csrf = client.get("/token").json()["token"]  # the client now has the session cookie
        refused = client.post("/forms/", data={"field": "x"})
        assert refused.status_code == 403
        assert "CSRF check failed" in refused.json()["detail"]
        assert posted == []
        assert client.post("/forms/", data={"csrf_token": csrf}).text == "stored"
    assert posted == ["yes"]
