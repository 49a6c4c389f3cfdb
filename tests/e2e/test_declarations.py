"""Declarations hold over a real uvicorn, checked with raw bytes a client library cannot alter.

The CSRF exemption of header-authenticated APIs, an auth decorator on a whole controller
(event stream included), and an exception raised inside a middleware: each request is
written byte for byte on a socket, the way a browser or an attacker's page would send it.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import pytest

import framework
from framework.apps import apps
from framework.auth import TokenAuth, authenticate
from framework.conf import ENVIRONMENT_VARIABLE, settings
from framework.testing import live_server
from framework.web import App, Controller, Request, get, get_asgi_application, post, sse
from tests.e2e.conftest import raw_http

pytestmark = pytest.mark.e2e

SECRET = "e2e-declarations-secret-key-0123456789abcdef"
WRITES: list[str] = []
tokens = TokenAuth()


@tokens.verify_token
def verify_token(token: str) -> Any:
    return {"name": "api"} if token == "good" else None


@authenticate(tokens)
class Api(Controller):
    path = "/api"

    @post("/items")
    async def create(self, request: Request) -> dict[str, str]:
        WRITES.append("api")
        return {"user": request.state.user["name"]}

    @sse("/events")
    async def events(self, request: Request) -> Any:
        yield {"data": "for " + request.state.user["name"]}


class Site(Controller):
    path = ""

    @get("/form")
    async def form(self, request: Request) -> dict[str, bool]:
        request.session["seen"] = True  # the browser now holds a session cookie
        return {"ok": True}

    @post("/transfer")
    async def transfer(self, request: Request) -> dict[str, bool]:
        WRITES.append("transfer")
        return {"ok": True}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with settings.override(SECRET_KEY=SECRET, ALLOWED_HOSTS=["127.0.0.1"]):
        app = App()
    app.include(Api)
    app.include(Site)
    with live_server(app) as url:
        yield url


@pytest.fixture(autouse=True)
def _forget_writes() -> None:
    WRITES.clear()


def session_cookie(base_url: str) -> str:
    status, response = raw_http(base_url, b"GET /form HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert status == 200
    match = re.search(rb"set-cookie: (session=[^;]+);", response, re.IGNORECASE)
    assert match is not None, response
    return match.group(1).decode()


def form_post(path: str, cookie: str, authorization: str) -> bytes:
    body = b"amount=1000"
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\n"
        f"Cookie: {cookie}\r\nAuthorization: {authorization}\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body


@pytest.mark.parametrize(
    ("path", "authorization"),
    [
        ("/transfer", "x"),
        ("/transfer", "Basic " + base64.b64encode(b"ann:cached").decode()),
        ("/api/items", "Basic " + base64.b64encode(b"ann:cached").decode()),
        ("/api/items", "Bearer stolen"),
    ],
)
def test_cross_site_form_post_with_a_cookie_and_a_header_the_route_does_not_accept(
    base_url: str, path: str, authorization: str
) -> None:
    cookie = session_cookie(base_url)
    status, response = raw_http(base_url, form_post(path, cookie, authorization))
    assert status == 403, response
    assert b"CSRF check failed" in response
    assert WRITES == []


def test_header_authenticated_call_with_a_session_cookie_is_served(base_url: str) -> None:
    cookie = session_cookie(base_url)
    status, response = raw_http(base_url, form_post("/api/items", cookie, "Bearer good"))
    assert status == 200, response
    assert response.endswith(b'{"user":"api"}')
    assert WRITES == ["api"]


def test_a_controller_level_decorator_guards_its_event_stream(base_url: str) -> None:
    request = b"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n%b\r\n"
    status, response = raw_http(base_url, request % b"")
    assert status == 401
    assert b"www-authenticate: bearer" in response.lower()
    status, response = raw_http(
        base_url, request % b"Authorization: Bearer good\r\nConnection: close\r\n"
    )
    assert status == 200
    assert b"data: for api" in response


@pytest.fixture
def hookproject(monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "tests.fixtures.hookproject.settings")
    settings.reset()
    apps.reset()
    framework.setup()
    with settings.override(ALLOWED_HOSTS=["127.0.0.1"]):
        yield get_asgi_application()
    settings.reset()


def test_an_exception_raised_in_middleware_reaches_its_handler(hookproject: App) -> None:
    with live_server(hookproject) as url:
        refused = raw_http(url, b"GET /orders HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Refuse: 1\r\n\r\n")
        teapot = raw_http(url, b"GET /orders HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Teapot: 1\r\n\r\n")
    assert refused[0] == 403
    assert refused[1].endswith(b'{"detail":"Refused: the gate is closed","errors":[]}')
    assert teapot[0] == 418
    assert teapot[1].endswith(b'{"detail":"The gate is a teapot.","errors":[]}')
