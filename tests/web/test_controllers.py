"""Controllers: discovery from apps, url_prefix, hooks, inheritance and per-app handlers."""

from __future__ import annotations

import types

import pytest

from framework.apps import apps
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Controller, Request, Router, error_handler, get, get_asgi_application
from framework.web.controllers import discover


def test_project_serves_each_apps_controllers_under_its_prefix(webproject: object) -> None:
    app = get_asgi_application()
    with TestClient(app) as client:
        assert client.get("/posts").json() == [{"id": 1, "title": "Hello"}]
        assert client.get("/posts/7").json() == {"id": 7}
        assert client.post("/posts", json={"title": "T"}).status_code == 201
        assert client.get("/api/ping").json() == {"pong": True}
        assert client.get("/shop/cart").json() == {"items": []}
    assert app.url_for("PostController.show", id=3) == "/posts/3"
    assert app.url_for("CartController.index") == "/shop/cart"
    assert app.url_for("api.ping") == "/api/ping"


def test_routes_remember_their_app(webproject: object) -> None:
    rows = {row["name"]: row for row in get_asgi_application().describe_routes()}
    assert rows["PostController.index"] == {
        "methods": "GET",
        "path": "/posts",
        "name": "PostController.index",
        "handler": "tests.fixtures.webproject.blogapp.controllers.PostController.index",
        "app": "blogapp",
        "kind": "http",
    }
    assert rows["CartController.live"]["methods"] == "WS"
    assert rows["CartController.live"]["app"] == "shopapp"


def test_controller_hooks_wrap_the_handler(webproject: object) -> None:
    with TestClient(get_asgi_application()) as client:
        response = client.get("/posts")
        blocked = client.get("/posts", headers={"x-block": "yes"})
    assert response.headers["x-trail"] == "controller.before,handler,controller.after"
    assert (blocked.status_code, blocked.json()) == (403, {"blocked": True})
    assert blocked.headers["x-trail"] == "controller.before,controller.after"


def test_broken_controllers_module_names_the_app_and_module(webproject: object) -> None:
    apps.reset()
    apps.populate(["tests.fixtures.webproject.brokenapp"])
    with pytest.raises(ImproperlyConfigured) as error:
        get_asgi_application()
    # The system checks import every app module (apps.E002), so the build refuses with it.
    assert (
        "App 'brokenapp' failed to import 'tests.fixtures.webproject.brokenapp.controllers': "
        "ModuleNotFoundError: No module named 'no_such_module_anywhere'"
    ) in str(error.value)


def test_inherited_routes_and_overrides() -> None:
    class Base(Controller):
        abstract = True

        @get("/")
        async def index(self, request: Request) -> str:
            return "base index"

        @get("/about")
        async def about(self, request: Request) -> str:
            return "base about"

    class Child(Base):
        path = "/child"

        async def about(self, request: Request) -> str:  # no longer a route
            return "plain method"

        @get("/extra")
        async def extra(self, request: Request) -> str:
            return "extra"

    assert list(Child.handlers) == ["index", "extra"]
    app = App()
    app.include(Child)
    with TestClient(app) as client:
        assert client.get("/child").text == "base index"
        assert client.get("/child/extra").text == "extra"
        assert client.get("/child/about").status_code == 404


def test_discover_ignores_abstract_and_foreign_classes() -> None:
    module = types.ModuleType("fakeapp.controllers")

    class Base(Controller):
        abstract = True

        @get("/")
        async def index(self, request: Request) -> str:
            return ""

    class Real(Base):
        path = "/real"

    class Empty(Controller):
        pass

    router = Router()

    @error_handler(404, KeyError)
    async def not_found(request: Request, exc: Exception) -> None:
        return None

    for cls in (Base, Real, Empty):
        cls.__module__ = "fakeapp.controllers"
    not_found.__module__ = "fakeapp.controllers"
    module.Base = Base  # type: ignore[attr-defined]
    module.Real = Real  # type: ignore[attr-defined]
    module.Empty = Empty  # type: ignore[attr-defined]
    module.Imported = Controller  # type: ignore[attr-defined]
    module.router = router  # type: ignore[attr-defined]
    module.alias = router  # type: ignore[attr-defined]
    module.not_found = not_found  # type: ignore[attr-defined]
    found = discover(module, "fakeapp")
    assert found.controllers == [Real]
    assert found.routers == [router]
    assert found.error_handlers == [(404, not_found), (KeyError, not_found)]


def test_error_handler_needs_a_key() -> None:
    with pytest.raises(TypeError) as error:
        error_handler()
    assert str(error.value) == (
        "error_handler() needs at least one status code or exception class."
    )


def test_controller_instance_is_shared_across_requests() -> None:
    class Counter(Controller):
        path = "/count"

        def __init__(self) -> None:
            self.calls = 0

        @get("/")
        async def count(self, request: Request) -> str:
            self.calls += 1
            return str(self.calls)

    app = App()
    app.include(Counter)
    with TestClient(app) as client:
        assert client.get("/count").text == "1"
        assert client.get("/count").text == "2"


def test_include_rejects_other_objects() -> None:
    with pytest.raises(TypeError) as error:
        App().include("nope")  # type: ignore[arg-type]
    assert str(error.value) == "include() takes a Router or a Controller class; got 'nope'."
