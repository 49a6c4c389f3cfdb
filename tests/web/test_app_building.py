"""An App is built once: every setup call afterwards is refused, saying what to do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Request, Router, get_asgi_application

REFUSAL = (
    "The setup method {name!r} can no longer be called on the App: it was built {reason}, and "
    "its routes, middleware and url_for table are fixed from then on. Make every declaration "
    "(routes, mounts, hooks, error handlers, middleware) before the app serves, and before "
    "app.build(), app.url_for() or app.routes."
)


async def handler(request: Request) -> str:
    return "ok"


async def plain_asgi(scope: Scope, receive: Receive, send: Send) -> None:
    await PlainTextResponse("asgi")(scope, receive, send)


class Trail:
    """A middleware that records its name in ``scope["trail"]`` on the way in."""

    def __init__(self, app: ASGIApp, name: str) -> None:
        self.app = app
        self.name = name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope.setdefault("trail", []).append(self.name)
        await self.app(scope, receive, send)


SETUP_CALLS: dict[str, Callable[[App], Any]] = {
    "route": lambda app: app.route("/x", ["GET"]),
    "get": lambda app: app.get("/x"),
    "post": lambda app: app.post("/x"),
    "put": lambda app: app.put("/x"),
    "patch": lambda app: app.patch("/x"),
    "delete": lambda app: app.delete("/x"),
    "websocket": lambda app: app.websocket("/x"),
    "sse": lambda app: app.sse("/x"),
    "add_route": lambda app: app.add_route("/x", handler),
    "add_asgi_route": lambda app: app.add_asgi_route(Route("/x", plain_asgi)),
    "mount": lambda app: app.mount("/x", plain_asgi),
    "host": lambda app: app.host("api.example.com", Router()),
    "include": lambda app: app.include(Router()),
    "add_middleware": lambda app: app.add_middleware(Trail, name="late"),
    "before_request": lambda app: app.before_request(handler),
    "after_request": lambda app: app.after_request(handler),
    "on_startup": lambda app: app.on_startup(handler),
    "on_shutdown": lambda app: app.on_shutdown(handler),
    "error_handler": lambda app: app.error_handler(404),
    "add_exception_handler": lambda app: app.add_exception_handler(404, handler),
    "debug": lambda app: setattr(app, "debug", True),
}


def served_app() -> App:
    app = App()
    app.get("/")(handler)
    return app


def run_lifespan(app: App) -> None:
    with TestClient(app):
        pass


BUILDS: dict[str, Callable[[App], Any]] = {
    "by app.build()": lambda app: app.build(),
    "by its lifespan": run_lifespan,
    "by app.url_for()": lambda app: app.url_for("handler"),
    "by reading app.routes": lambda app: app.routes,
    "by app.describe_routes()": lambda app: app.describe_routes(),
}


@pytest.mark.parametrize("name", SETUP_CALLS)
def test_every_setup_call_after_the_build_is_refused_with_what_to_do(name: str) -> None:
    app = served_app()
    app.build()
    with pytest.raises(ImproperlyConfigured) as refused:
        SETUP_CALLS[name](app)
    assert str(refused.value) == REFUSAL.format(name=name, reason="by app.build()")


@pytest.mark.parametrize("reason", BUILDS)
def test_the_refusal_names_what_built_the_app(reason: str) -> None:
    app = served_app()
    BUILDS[reason](app)
    with pytest.raises(ImproperlyConfigured) as refused:
        app.post("/later")
    assert str(refused.value) == REFUSAL.format(name="post", reason=reason)


def test_an_app_built_by_its_first_request_refuses_and_keeps_serving() -> None:
    app = served_app()
    # Without the lifespan: the first request builds the app.
    client = TestClient(app)
    assert client.get("/").text == "ok"
    with pytest.raises(ImproperlyConfigured) as refused:
        app.get("/later")(handler)
    assert str(refused.value) == REFUSAL.format(name="get", reason="by its first request")
    assert client.get("/later").status_code == 404
    assert client.get("/").text == "ok"


def test_a_decorator_taken_before_the_build_is_refused_when_applied_after() -> None:
    app = served_app()
    declare = app.get("/later")
    app.build()
    with pytest.raises(ImproperlyConfigured) as refused:
        declare(handler)
    assert str(refused.value) == REFUSAL.format(name="get", reason="by app.build()")
    assert "/later" not in {row["path"] for row in app.describe_routes()}


def test_a_router_served_by_a_built_app_refuses_new_routes() -> None:
    router = Router(prefix="/api")
    router.get("/status")(handler)
    host_router = Router()
    router.host("api.example.com", host_router)
    app = App()
    app.include(router)
    app.build()
    for target in (router, host_router):
        with pytest.raises(ImproperlyConfigured) as refused:
            target.post("/later")
        assert str(refused.value) == (
            f"The setup method 'post' can no longer be called on {target!r}: an App serving "
            "it was built by app.build(), so what is declared now would never be served. "
            "Declare the router's routes before the app is built."
        )
    with pytest.raises(ImproperlyConfigured):
        router.mount("/late", plain_asgi)


def test_the_project_app_is_built_by_get_asgi_application(webproject: object) -> None:
    app = get_asgi_application()
    with pytest.raises(ImproperlyConfigured) as refused:
        app.on_startup(handler)
    assert str(refused.value) == REFUSAL.format(
        name="on_startup", reason="by get_asgi_application()"
    )


def test_building_again_does_nothing() -> None:
    app = served_app()
    app.build()
    routes = app.routes
    app.build()
    assert app.routes is routes
    with TestClient(app) as client:
        assert client.get("/").text == "ok"
    assert app.routes is routes


def test_a_failed_build_builds_nothing_and_fails_again() -> None:
    app = App()
    app.get("/items/{item_id}")(handler)  # the handler takes no item_id
    for _ in range(2):
        with pytest.raises(ImproperlyConfigured) as refused:
            app.build()
        assert str(refused.value) == (
            "handler handles '/items/{item_id}' but has no parameter 'item_id'; add it: "
            "async def handler(request, item_id)."
        )
    app.get("/")(handler)  # still taking declarations: it was never built


def test_add_middleware_runs_inside_middleware_the_last_added_outermost() -> None:
    with settings.override(MIDDLEWARE=[("tests.web.test_app_building.Trail", {"name": "setting"})]):
        app = App()

    @app.get("/trail")
    async def trail(request: Request) -> list[str]:
        return list(request.scope["trail"])

    app.add_middleware(Trail, name="first added")
    app.add_middleware(Trail, name="second added")
    with TestClient(app) as client:
        assert client.get("/trail").json() == ["setting", "second added", "first added"]


def test_app_routes_are_the_built_routes_and_fixed() -> None:
    app = served_app()
    routes = app.routes
    assert isinstance(routes, tuple)
    assert [getattr(route, "path", None) for route in routes] == ["/"]
