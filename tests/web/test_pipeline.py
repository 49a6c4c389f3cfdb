"""The endpoint pipeline: steps injecting arguments, ordering, metadata, SSE and sync handlers."""

from __future__ import annotations

from typing import Any

import pytest

from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import (
    App,
    Controller,
    HTTPException,
    Request,
    endpoint_spec,
    get,
    handler_decorator,
    post,
)
from framework.web.pipeline import Call, get_endpoint_spec


def inject_data(func: Any) -> Any:
    """A stand-in for ``@input``: parse JSON and pass it as ``data``."""

    def step(call: Call) -> Call:
        async def run(request: Request, kwargs: dict[str, Any]) -> Any:
            kwargs["data"] = await request.json()
            return await call(request, kwargs)

        return run

    endpoint_spec(func).add_step(step)
    endpoint_spec(func).meta["input"] = "json"
    return func


def require_token(func: Any) -> Any:
    """A stand-in for ``@authenticate``: refuse requests without a token."""

    def step(call: Call) -> Call:
        async def run(request: Request, kwargs: dict[str, Any]) -> Any:
            if request.headers.get("authorization") != "Bearer good":
                raise HTTPException(401, "Missing token.", headers={"WWW-Authenticate": "Bearer"})
            kwargs["user"] = "ann"
            return await call(request, kwargs)

        return run

    endpoint_spec(func).add_step(step)
    return func


def wrap_output(func: Any) -> Any:
    """A stand-in for ``@output``: wrap the handler's result."""

    def step(call: Call) -> Call:
        async def run(request: Request, kwargs: dict[str, Any]) -> Any:
            return {"result": await call(request, kwargs)}

        return run

    endpoint_spec(func).add_step(step)
    return func


class Items(Controller):
    path = "/items"

    @post("/")
    @require_token
    @inject_data
    @wrap_output
    async def create(self, request: Request, data: dict[str, Any], user: str) -> dict[str, Any]:
        return {"data": data, "user": user}

    @get("/{item_id:int}")
    @wrap_output
    async def show(self, request: Request, item_id: int) -> int:
        return item_id * 2  # the output step turns the int into a dict


def test_steps_inject_arguments_and_transform_results() -> None:
    app = App()
    app.include(Items)
    with TestClient(app) as client:
        created = client.post(
            "/items", json={"name": "x"}, headers={"authorization": "Bearer good"}
        )
        shown = client.get("/items/21")
    assert created.json() == {"result": {"data": {"name": "x"}, "user": "ann"}}
    assert shown.json() == {"result": 42}


def test_outer_steps_run_first() -> None:
    app = App()
    app.include(Items)
    with TestClient(app) as client:
        # The token check (outermost) refuses before the body is parsed: no 415 here.
        response = client.post("/items", content=b"not json")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"detail": "Missing token.", "errors": []}


def test_metadata_and_routes_are_on_the_function() -> None:
    spec = get_endpoint_spec(Items.handlers["create"])
    assert spec is not None
    assert spec.meta == {"input": "json"}
    assert [(decl.path, decl.methods) for decl in spec.routes] == [("/", ("POST",))]
    assert len(spec.steps) == 3


def test_path_parameters_are_not_changed_by_steps() -> None:
    app = App()
    seen: dict[str, Any] = {}

    def add_extra(call: Call) -> Call:
        async def run(request: Request, kwargs: dict[str, Any]) -> Any:
            kwargs["extra"] = True
            return await call(request, kwargs)

        return run

    @app.get("/{name}")
    async def handler(request: Request, name: str, extra: bool) -> str:
        seen["path_params"] = dict(request.path_params)
        return name

    endpoint_spec(handler).add_step(add_extra)
    with TestClient(app) as client:
        assert client.get("/bob").text == "bob"
    assert seen["path_params"] == {"name": "bob"}


def test_steps_apply_to_sync_handlers() -> None:
    app = App()

    @app.get("/")
    @wrap_output
    def handler(request: Request) -> str:
        return "sync"

    with TestClient(app) as client:
        assert client.get("/").json() == {"result": "sync"}


TRAIL = handler_decorator("@trail")


def trail(label: str) -> Any:
    """A registered decorator that records where its step ran (on handlers and classes)."""

    def decorator(target: Any) -> Any:
        def step(call: Call) -> Call:
            async def run(request: Request, kwargs: dict[str, Any]) -> Any:
                request.state.trail = [*getattr(request.state, "trail", []), label]
                return await call(request, kwargs)

            return run

        TRAIL.apply(target, step).meta.setdefault("labels", []).append(label)
        return target

    return decorator


@trail("base")
class TrailBase(Controller):
    abstract = True

    @get("/inherited")
    @trail("method")
    async def inherited(self, request: Request) -> Any:
        return request.state.trail


@trail("sub")
class TrailSub(TrailBase):
    path = "/trail"

    @get("/own")
    async def own(self, request: Request) -> Any:
        return request.state.trail


def test_class_steps_run_outside_method_steps_base_class_outermost() -> None:
    app = App()
    app.include(TrailSub)
    with TestClient(app) as client:
        assert client.get("/trail/inherited").json() == ["base", "sub", "method"]
        assert client.get("/trail/own").json() == ["base", "sub"]
    spec = next(route.spec for route in app.routes if route.name == "TrailSub.inherited")
    assert spec.meta["labels"] == ["base", "sub", "method"]
    assert get_endpoint_spec(TrailSub.inherited).meta["labels"] == ["method"]  # unchanged


def test_a_custom_step_on_a_websocket_is_refused_at_build() -> None:
    app = App()

    @app.websocket("/ws")
    @require_token
    async def ws(socket: Any) -> None:
        await socket.accept()

    with pytest.raises(ImproperlyConfigured) as refused:
        app.build()
    assert str(refused.value) == (
        "a custom pipeline step cannot apply to the WebSocket route ws (/ws): its step expects "
        "an HTTP request; register the decorator with handler_decorator(name, kinds=...) and "
        "record it with .apply() if it serves WebSockets."
    )


def test_registering_a_decorator_twice_returns_the_first() -> None:
    assert handler_decorator("@trail") is TRAIL
    with pytest.raises(ValueError, match="Two handler decorators are registered as '@trail'"):
        handler_decorator("@trail", kinds=("http",))
    with pytest.raises(ValueError, match="Unknown route kinds"):
        handler_decorator("@nowhere", kinds=("grpc",))
