"""``App``: alone for a small service, state, lifespan hooks, url_for and building."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest

from framework import App as LazyApp
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Request, current_app, get_asgi_application, url_for
from tests.fixtures.webproject.events import EVENTS


def test_app_alone_serves_function_routes() -> None:
    app = App()

    @app.get("/")
    async def index(request: Request) -> dict[str, str]:
        return {"hello": "world"}

    with TestClient(app) as client:
        response = client.get("/")
    assert response.status_code == 200
    assert response.json() == {"hello": "world"}
    assert response.headers["content-type"] == "application/json"


def test_framework_exposes_app_lazily() -> None:
    assert LazyApp is App


def test_every_http_method_decorator() -> None:
    app = App()
    for method in ("get", "post", "put", "patch", "delete"):

        async def handler(request: Request, method: str = method) -> str:
            return method

        getattr(app, method)(f"/{method}", name=method)(handler)
    with TestClient(app) as client:
        for method in ("get", "post", "put", "patch", "delete"):
            assert client.request(method.upper(), f"/{method}").text == method


def test_route_with_several_methods() -> None:
    app = App()

    @app.route("/both", methods=["GET", "POST"])
    async def both(request: Request) -> str:
        return request.method

    with TestClient(app) as client:
        assert client.get("/both").text == "GET"
        assert client.post("/both").text == "POST"
        assert client.put("/both").status_code == 405


def test_sync_handlers_run_in_a_thread() -> None:
    import threading

    app = App()
    main = threading.get_ident()

    @app.get("/sync")
    def sync_handler(request: Request) -> dict[str, bool]:
        return {"other_thread": threading.get_ident() != main}

    with TestClient(app) as client:
        assert client.get("/sync").json() == {"other_thread": True}


def test_app_state_and_request_state() -> None:
    app = App()
    app.state.greeting = "hi"

    @app.before_request
    async def remember(request: Request) -> None:
        request.state.user = "ann"

    @app.get("/")
    async def index(request: Request) -> dict[str, str]:
        return {"greeting": request.app.state.greeting, "user": request.state.user}

    with TestClient(app) as client:
        assert client.get("/").json() == {"greeting": "hi", "user": "ann"}


def test_before_and_after_request_hooks_run_in_order() -> None:
    app = App()
    trail: list[str] = []

    @app.before_request
    async def first(request: Request) -> None:
        trail.append("before 1")

    @app.before_request
    def second(request: Request) -> None:  # sync hooks are allowed
        trail.append("before 2")

    @app.after_request
    async def after(request: Request, response: object) -> None:
        trail.append("after")

    @app.get("/")
    async def index(request: Request) -> str:
        trail.append("handler")
        return "ok"

    with TestClient(app) as client:
        client.get("/")
    assert trail == ["before 1", "before 2", "handler", "after"]


def test_before_hook_can_answer_and_after_hook_can_replace() -> None:
    app = App()

    @app.before_request
    async def gate(request: Request) -> object:
        if request.headers.get("x-stop"):
            return {"stopped": True}, 429
        return None

    @app.after_request
    async def stamp(request: Request, response: object) -> object:
        if request.headers.get("x-replace"):
            return "replaced"
        return None

    @app.get("/")
    async def index(request: Request) -> str:
        return "handler"

    with TestClient(app) as client:
        stopped = client.get("/", headers={"x-stop": "1"})
        assert (stopped.status_code, stopped.json()) == (429, {"stopped": True})
        assert client.get("/", headers={"x-replace": "1"}).text == "replaced"
        assert client.get("/").text == "handler"


def test_on_startup_and_on_shutdown_hooks() -> None:
    app = App()
    calls: list[str] = []
    app.on_startup(lambda: calls.append("sync start"))

    @app.on_startup
    async def start() -> None:
        calls.append("async start")

    @app.on_shutdown
    async def stop() -> None:
        calls.append("stop 1")

    app.on_shutdown(lambda: calls.append("stop 2"))
    with TestClient(app):
        assert calls == ["sync start", "async start"]
    assert calls == ["sync start", "async start", "stop 2", "stop 1"]


def test_user_lifespan_runs_inside_the_app_hooks() -> None:
    calls: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: App) -> AsyncIterator[None]:
        calls.append("enter")
        yield
        calls.append("exit")

    app = App(lifespan=lifespan)
    with TestClient(app):
        assert calls == ["enter"]
    assert calls == ["enter", "exit"]


def test_project_lifespan_runs_app_hooks_in_registry_order(webproject: object) -> None:
    app = get_asgi_application()
    with TestClient(app):
        assert EVENTS == ["blogapp.startup", "shopapp.startup"]
    assert EVENTS == ["blogapp.startup", "shopapp.startup", "shopapp.shutdown", "blogapp.shutdown"]


def test_url_for_on_the_app_and_module_level() -> None:
    app = App()

    @app.get("/items/{item_id:int}")
    async def item(request: Request, item_id: int) -> int:
        return item_id

    @app.get("/where")
    async def where(request: Request) -> dict[str, object]:
        return {"url": url_for("item", item_id=6), "current": current_app() is app}

    assert app.url_for("item", item_id=5) == "/items/5"
    with TestClient(app) as client:
        assert client.get("/where").json() == {"url": "/items/6", "current": True}


def test_url_for_errors_name_the_fix() -> None:
    app = App()

    @app.get("/items/{item_id:int}")
    async def item(request: Request, item_id: int) -> int:
        return item_id

    with pytest.raises(LookupError) as unknown:
        app.url_for("iteem")
    assert str(unknown.value) == "No route is named 'iteem'. Did you mean 'item'?"
    with pytest.raises(ValueError) as wrong:
        app.url_for("item", id=3)
    assert str(wrong.value) == (
        "Route 'item' (/items/{item_id:int}) takes parameters ['item_id']; got ['id']."
    )


def test_routes_added_after_the_app_started_are_refused() -> None:
    app = App()

    @app.get("/first")
    async def first(request: Request) -> str:
        return "first"

    with TestClient(app) as client:
        assert client.get("/first").text == "first"
        with pytest.raises(ImproperlyConfigured) as refused:
            app.get("/later")
        assert str(refused.value).startswith(
            "The setup method 'get' can no longer be called on the App: it was built by its "
            "lifespan, and its routes, middleware and url_for table are fixed from then on."
        )
        assert client.get("/later").status_code == 404


def test_settings_are_captured_when_the_app_is_created() -> None:
    with settings.override(MAX_BODY_SIZE=5):
        app = App()

    @app.post("/")
    async def echo(request: Request) -> bytes:
        return await request.body()

    with TestClient(app) as client:
        assert client.post("/", content=b"123456").status_code == 413


def test_debug_defaults_to_the_setting() -> None:
    with settings.override(DEBUG=True):
        assert App().debug is True
    assert App().debug is False
    assert App(debug=True).debug is True


def test_broken_middleware_setting_is_reported() -> None:
    with settings.override(MIDDLEWARE=["framework.web.middleware.NoSuchMiddleware"]):
        app = App()
    with pytest.raises(ImproperlyConfigured) as error:
        app.build()
    assert str(error.value) == (
        "Module 'framework.web.middleware' (from MIDDLEWARE) has no attribute 'NoSuchMiddleware'."
    )
