"""Error handlers and hooks have a home and are never dropped.

The fixture project ``tests/fixtures/hookproject`` declares project-wide handlers and hooks
in its own ``controllers.py`` (found beside its settings), per-app ones in its ``orders``
app (one of them a function imported from another module), an exception-handler class, a
controller's own handler, and a middleware that raises.
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any

import pytest

import framework
from framework.apps import apps
from framework.conf import ENVIRONMENT_VARIABLE, settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import (
    App,
    Request,
    after_request,
    before_request,
    get_asgi_application,
)
from framework.web.controllers import discover
from framework.web.project import root_controllers_module
from tests.fixtures.hookproject.errors import conflict


def load(monkeypatch: pytest.MonkeyPatch, module: str) -> None:
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, module)
    settings.reset()
    apps.reset()
    framework.setup()


@pytest.fixture
def hookproject(monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    load(monkeypatch, "tests.fixtures.hookproject.settings")
    yield get_asgi_application()
    settings.reset()


def test_a_handler_applied_to_an_imported_function_is_registered() -> None:
    module = types.ModuleType("shop.controllers")
    source = (
        "from framework.web import error_handler\n"
        "from tests.fixtures.hookproject.errors import OutOfStock, conflict\n"
        "error_handler(LookupError)(conflict)\n"
    )
    exec(compile(source, "shop/controllers.py", "exec"), module.__dict__)  # applied *there*
    found = discover(module, "shop")
    assert found.error_handlers == [(LookupError, conflict)]  # not the orders app's OutOfStock
    elsewhere = types.ModuleType("other.controllers")
    elsewhere.conflict = conflict  # type: ignore[attr-defined]
    assert discover(elsewhere, "other").error_handlers == []  # merely imported: not declared


def test_an_imported_app_handler_answers_the_apps_routes(hookproject: App) -> None:
    with TestClient(hookproject) as client:
        response = client.get("/orders/sold-out")
    assert response.status_code == 409
    assert response.json() == {"detail": "Conflict: no more pens", "errors": []}


def test_the_project_controllers_module_is_found_beside_the_settings(hookproject: App) -> None:
    assert root_controllers_module() == "tests.fixtures.hookproject.controllers"


def test_project_hooks_wrap_every_route_and_app_hooks_their_apps(hookproject: App) -> None:
    with TestClient(hookproject) as client:
        own = client.get("/status")
        orders = client.get("/orders")
        closed = client.get("/orders", headers={"x-closed": "yes"})
    assert own.json() == {"trail": ["project.before"]}
    assert (own.headers["x-project"], own.headers.get("x-app")) == ("hookproject", None)
    assert orders.json() == {"trail": ["project.before", "orders.before"]}
    assert (orders.headers["x-project"], orders.headers["x-app"]) == ("hookproject", "orders")
    assert closed.status_code == 503
    assert closed.json() == {"detail": "Closed for the night.", "errors": []}


def test_an_exception_handler_class_serves_the_project(hookproject: App) -> None:
    with TestClient(hookproject) as client:
        response = client.get("/orders/forbidden")
    assert response.status_code == 403
    assert response.json() == {"detail": "Not allowed: orders are closed", "errors": []}


def test_a_controller_method_handles_its_routes_errors(hookproject: App) -> None:
    with TestClient(hookproject) as client:
        response = client.get("/orders/lookup")
    assert response.status_code == 404
    assert response.json() == {"detail": "No order 'pen'.", "errors": [], "controller": True}


def test_an_exception_raised_in_middleware_reaches_its_handler(hookproject: App) -> None:
    with TestClient(hookproject) as client:
        refused = client.get("/orders", headers={"x-refuse": "1"})
        teapot = client.get("/orders", headers={"x-teapot": "1"})
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Refused: the gate is closed", "errors": []}
    assert teapot.status_code == 418
    assert teapot.json() == {"detail": "The gate is a teapot.", "errors": []}


def test_an_unhandled_middleware_error_is_still_a_500(hookproject: App) -> None:
    with TestClient(hookproject, raise_server_exceptions=False) as client:
        response = client.get("/orders", headers={"x-crash": "1"})
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal Server Error", "errors": []}


def test_a_declaration_no_controllers_module_names_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    load(monkeypatch, "tests.fixtures.lostproject.settings")
    with pytest.raises(ImproperlyConfigured) as refused:
        get_asgi_application()
    settings.reset()
    assert str(refused.value) == (
        "@error_handler(404) on tests.fixtures.lostproject.lostapp.handlers.lost (applied in "
        "tests.fixtures.lostproject.lostapp.handlers) is never registered: these declarations "
        "are read from an app's controllers module (or the project's, ROOT_CONTROLLERS); "
        "import the function there, or apply the decorator there."
    )


def test_root_controllers_setting_names_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    load(monkeypatch, "tests.fixtures.hookproject.settings")
    with settings.override(ROOT_CONTROLLERS="tests.fixtures.hookproject.missing"):
        with pytest.raises(ImproperlyConfigured) as missing:
            get_asgi_application()
        assert str(missing.value) == (
            "ROOT_CONTROLLERS is 'tests.fixtures.hookproject.missing', but there is no such "
            "module; create it, or change the setting."
        )
    settings.reset()


def test_a_route_function_no_router_serves_is_refused() -> None:
    from framework.web import get

    module = types.ModuleType("shop.controllers")

    @get("/orphan")
    async def orphan(request: Request) -> dict[str, Any]:
        return {}

    orphan.__module__ = "shop.controllers"
    module.orphan = orphan  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured) as refused:
        discover(module, "shop")
    assert str(refused.value) == (
        "shop.controllers.orphan is declared as a route (http '/orphan') but no Router or "
        "Controller serves it: use @router.get(...) on a module-level Router, or make it a "
        "Controller method."
    )


def test_module_hooks_are_plain_functions_until_discovered() -> None:
    async def hook(request: Request) -> None:
        return None

    assert before_request(hook) is hook
    assert after_request(hook) is hook
    with pytest.raises(TypeError):
        before_request("not a function")  # type: ignore[arg-type]


def test_an_exception_handler_class_needing_arguments_is_refused() -> None:
    module = types.ModuleType("shop.controllers")
    source = (
        "from framework.web import error_handler\n"
        "class Handlers:\n"
        "    def __init__(self, prefix):\n"
        "        self.prefix = prefix\n"
        "    @error_handler(ValueError)\n"
        "    async def bad_value(self, request, exc):\n"
        "        return None\n"
    )
    exec(compile(source, "shop/controllers.py", "exec"), module.__dict__)
    with pytest.raises(ImproperlyConfigured) as refused:
        discover(module, "shop")
    assert str(refused.value).startswith(
        "shop.controllers.Handlers has @error_handler methods, so it is created once with no "
        "arguments; it could not be: "
    )
