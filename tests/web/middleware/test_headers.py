"""Pay only for what a request uses: header hooks, lazy sessions, middleware without frames.

Under the App, the security headers and the session cookie reach the response through hooks
that the request-id wrapper runs; a request that never reads its session registers nothing.
The same middleware used alone (plain Starlette) wraps ``send`` itself, with the same result.
"""

from __future__ import annotations

import inspect
import os
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from framework.auth.csrf import CSRFMiddleware
from framework.conf import settings
from framework.logging.context import new_request_id
from framework.testing import TestClient
from framework.web import App, Request
from framework.web.limits import HeaderSizeMiddleware
from framework.web.middleware import SecurityHeadersMiddleware, SessionMiddleware
from framework.web.middleware.headers import HOOKS_KEY
from framework.web.middleware.hosts import TrustedHostMiddleware

KEY = "a-test-key-that-is-long-enough-for-signing-0123456789"


def build() -> App:
    with settings.override(SECRET_KEY=KEY, SESSION_COOKIE_SECURE=False):
        app = App()

    @app.get("/untouched")
    async def untouched(request: Request) -> dict[str, Any]:
        return {"hooks": len(request.scope[HOOKS_KEY])}

    @app.get("/read")
    async def read(request: Request) -> dict[str, Any]:
        request.session.get("n")
        return {"hooks": len(request.scope[HOOKS_KEY])}

    @app.get("/write")
    async def write(request: Request) -> str:
        request.session["n"] = 1
        return "written"

    @app.get("/crash")
    async def crash(request: Request) -> str:
        request.session["n"] = 2
        raise RuntimeError("boom")

    return app


def test_a_request_that_never_reads_its_session_registers_no_session_work() -> None:
    with TestClient(build()) as client:
        client.cookies.set("session", "not-even-a-valid-cookie")
        untouched = client.get("/untouched")
        read = client.get("/read")
    assert untouched.json() == {"hooks": 1}  # the security headers' hook alone
    assert "vary" not in untouched.headers and "set-cookie" not in untouched.headers
    assert read.json() == {"hooks": 2}
    assert read.headers["vary"] == "Cookie"
    assert "session=;" in read.headers["set-cookie"]  # the invalid cookie is cleared
    assert read.headers["x-frame-options"] == "DENY"


def test_hooks_add_the_cookie_and_the_security_headers_once() -> None:
    with TestClient(build()) as client:
        response = client.get("/write")
    assert response.headers.get_list("x-frame-options") == ["DENY"]
    assert len(response.headers.get_list("set-cookie")) == 1
    assert len(response.headers.get_list("x-request-id")) == 1


def test_a_server_error_page_carries_no_cookie_from_the_failed_handler() -> None:
    with TestClient(build(), raise_server_exceptions=False) as client:
        response = client.get("/crash")
    assert response.status_code == 500
    assert "set-cookie" not in response.headers
    assert "x-request-id" in response.headers


def _plain_app(*middleware: Middleware) -> Starlette:
    async def write(request: Any) -> PlainTextResponse:
        request.scope["session"].load()["n"] = 1
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/", write)], middleware=list(middleware))


def test_the_same_middleware_alone_wraps_send_itself() -> None:
    app = _plain_app(
        Middleware(SecurityHeadersMiddleware, headers={"X-Frame-Options": "DENY"}),
        Middleware(SessionMiddleware, secret_key=KEY, secure=False),
    )
    with TestClient(app) as client:
        response = client.get("/")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["set-cookie"].startswith("session=")


@pytest.mark.parametrize(
    "middleware",
    [
        SecurityHeadersMiddleware,
        SessionMiddleware,
        TrustedHostMiddleware,
        CSRFMiddleware,
        HeaderSizeMiddleware,
    ],
)
def test_middleware_that_passes_a_request_on_adds_no_coroutine_frame(middleware: type) -> None:
    assert not inspect.iscoroutinefunction(middleware.__call__)


def test_request_ids_are_unique_across_a_fork() -> None:
    before = new_request_id()  # the pool is filled in this process
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.write(writer, new_request_id().encode())
        os._exit(0)
    os.close(writer)
    os.waitpid(child, 0)
    from_child = os.read(reader, 64).decode()
    os.close(reader)
    ours = {new_request_id() for _ in range(300)}
    assert len(from_child) == 32 and len(ours) == 300
    assert from_child not in ours and before not in ours


def test_request_ids_taken_by_many_threads_at_once_are_unique() -> None:
    import threading

    taken: list[list[str]] = [[] for _ in range(8)]
    start = threading.Barrier(len(taken))

    def take(into: list[str]) -> None:
        start.wait()
        into.extend(new_request_id() for _ in range(2000))  # many pools' worth, refills racing

    threads = [threading.Thread(target=take, args=(into,)) for into in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [request_id for into in taken for request_id in into]
    assert len(set(ids)) == len(ids) == 16000
    assert all(len(request_id) == 32 and int(request_id, 16) >= 0 for request_id in ids)
