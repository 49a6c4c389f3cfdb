"""Porting traps from Dyne refused where they are declared, saying what to write instead."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from pydantic import BaseModel

from framework.auth import BasicAuth, DigestAuth, digest_ha1
from framework.exceptions import ImproperlyConfigured
from framework.io import input
from framework.testing import TestClient
from framework.web import App, Controller, JSONResponse, get


def test_a_req_resp_handler_is_refused_at_build() -> None:
    app = App()

    @app.get("/greet")
    async def greet(req: Any, resp: Any) -> None:
        resp.text = "hello"

    with pytest.raises(ImproperlyConfigured) as refused:
        app.build()
    assert str(refused.value) == (
        "greet takes (req, resp) like a Dyne handler, but no response object is passed here: "
        "the handler returns its answer. Write 'async def greet(req)' and return the value: "
        "resp.media = {...} becomes return {...}, resp.text = '...' becomes return '...', "
        "resp.status_code = 201 becomes return value, 201."
    )


def test_a_controller_method_with_resp_is_refused() -> None:
    class Greeter(Controller):
        path = "/g"

        @get("/")
        async def index(self, request: Any, response: Any) -> None: ...

    app = App()
    app.include(Greeter)
    with pytest.raises(ImproperlyConfigured, match=r"Greeter.index takes \(request, response\)"):
        app.build()


class Response(BaseModel):
    text: str


def test_parameters_the_route_supplies_are_not_traps() -> None:
    app = App()

    @app.get("/items/{resp}")
    async def by_path(request: Any, resp: str) -> str:
        return resp

    @app.post("/echo")
    @input(Response, key="response")
    async def echo(request: Any, response: Response) -> str:
        return response.text

    @app.get("/optional")
    async def optional(request: Any, resp: Any = None) -> str:
        return "fine"

    with TestClient(app) as client:
        assert client.get("/items/x").text == "x"
        assert client.post("/echo", json={"text": "hi"}).text == "hi"
        assert client.get("/optional").text == "fine"


def test_dyne_backend_error_handler_is_refused() -> None:
    basic = BasicAuth()
    with pytest.raises(ImproperlyConfigured) as refused:

        @basic.error_handler
        async def custom_error(req: Any, resp: Any, status_code: int) -> None:
            resp.media = {"error": "Custom Authentication Failed"}

    assert "takes (req, resp, status_code) like Dyne's; here it takes (req, status_code)" in str(
        refused.value
    )

    @basic.error_handler
    async def ours(request: Any, status_code: int) -> JSONResponse:
        return JSONResponse({"error": "no"}, status_code=status_code)


async def get_ha1_pw(username: str) -> str:
    return hashlib.md5(f"{username}:My App:secret".encode()).hexdigest()


def test_digest_ha1_callback_without_use_ha1_is_refused() -> None:
    digest = DigestAuth(realm="My App")
    with pytest.raises(ImproperlyConfigured) as refused:
        digest.get_password(get_ha1_pw)

    assert str(refused.value).endswith("Create it with DigestAuth(realm='My App', use_ha1=True).")
    with pytest.raises(ImproperlyConfigured, match="use_ha1=True"):
        digest.get_password(lambda username: digest_ha1(username, "My App", "secret"))
    # With use_ha1=True, and for plain passwords, nothing is refused.
    DigestAuth(realm="My App", use_ha1=True).get_password(get_ha1_pw)
    digest.get_password(lambda username: {"ann": "secret"}.get(username))
