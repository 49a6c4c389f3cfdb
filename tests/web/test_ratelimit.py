"""``@ratelimit``: 429 with Retry-After over the limit, on routes, SSE and whole controllers."""

from __future__ import annotations

from typing import Any

import pytest

from framework.auth import BasicAuth, authenticate
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import (
    App,
    Controller,
    WebSocketDisconnect,
    get,
    post,
    ratelimit,
    sse,
    websocket,
)

SECRET = "ratelimit-tests-secret-key-0123456789abcdef"


def make_client(app: App) -> TestClient:
    return TestClient(app)


@pytest.fixture(autouse=True)
def configured() -> None:
    settings.configure(SECRET_KEY=SECRET, TRUSTED_PROXIES=["127.0.0.1"])


def limited_app(rate: str = "3/minute", **options: Any) -> App:
    app = App()

    @app.get("/search")
    @ratelimit(rate, **options)
    async def search(request: Any) -> Any:
        return {"ok": True}

    return app


def test_at_the_limit_every_request_is_served() -> None:
    with make_client(limited_app()) as client:
        assert [client.get("/search").status_code for _ in range(3)] == [200, 200, 200]


def test_over_the_limit_the_answer_is_429_with_retry_after() -> None:
    with make_client(limited_app()) as client:
        for _ in range(3):
            client.get("/search")
        refused = client.get("/search")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.json()["detail"] == (
        f"Too many requests: the limit is 3 per 1 minute. Try again in "
        f"{refused.headers['retry-after']} seconds."
    )


def test_without_the_decorator_nothing_is_counted() -> None:
    app = App()

    @app.get("/free")
    async def free(request: Any) -> Any:
        return {"ok": True}

    with make_client(app) as client:
        assert {client.get("/free").status_code for _ in range(20)} == {200}


def test_several_windows_apply_together() -> None:
    with make_client(limited_app("10/minute;2/hour")) as client:
        codes = [client.get("/search").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_each_client_ip_has_its_own_budget_behind_a_trusted_proxy() -> None:
    app = limited_app("1/minute")  # the test client connects from 127.0.0.1, trusted here
    with make_client(app) as client:
        first = {"X-Forwarded-For": "203.0.113.7"}
        second = {"X-Forwarded-For": "203.0.113.8"}
        assert client.get("/search", headers=first).status_code == 200
        assert client.get("/search", headers=second).status_code == 200
        assert client.get("/search", headers=first).status_code == 429


def test_a_forged_forwarded_for_from_an_untrusted_peer_is_ignored() -> None:
    with (
        settings.override(TRUSTED_PROXIES=["10.0.0.0/8"]),
        make_client(limited_app("1/minute")) as client,
    ):
        assert client.get("/search", headers={"X-Forwarded-For": "1.1.1.1"}).status_code == 200
        assert client.get("/search", headers={"X-Forwarded-For": "2.2.2.2"}).status_code == 429


def test_key_user_counts_per_authenticated_user() -> None:
    basic = BasicAuth()

    @basic.verify_password
    def verify(username: str, password: str) -> Any:
        return username if password == "pw" else None

    app = App()

    @app.get("/me")
    @authenticate(basic)
    @ratelimit("1/minute", key="user")
    async def me(request: Any) -> Any:
        return {"user": request.state.user}

    with make_client(app) as client:
        assert client.get("/me", auth=("alice", "pw")).status_code == 200
        assert client.get("/me", auth=("bob", "pw")).status_code == 200
        assert client.get("/me", auth=("alice", "pw")).status_code == 429


async def tenant(request: Any) -> str:
    return request.headers.get("x-tenant", "none")


def test_key_may_be_an_async_function_of_the_request() -> None:
    with make_client(limited_app("1/minute", key=tenant)) as client:
        assert client.get("/search", headers={"X-Tenant": "a"}).status_code == 200
        assert client.get("/search", headers={"X-Tenant": "b"}).status_code == 200
        assert client.get("/search", headers={"X-Tenant": "a"}).status_code == 429


def test_methods_limits_only_those_methods() -> None:
    app = App()

    @app.route("/form", methods=["GET", "POST"])
    @ratelimit("1/minute", methods=["post"])
    async def form(request: Any) -> Any:
        return {"method": request.method}

    with make_client(app) as client:
        assert {client.get("/form").status_code for _ in range(3)} == {200}
        assert [client.post("/form").status_code for _ in range(2)] == [200, 429]


def test_on_a_controller_every_route_shares_one_budget() -> None:
    @ratelimit("2/minute")
    class Export(Controller):
        path = "/export"

        @get("/csv")
        async def csv(self, request: Any) -> Any:
            return "csv"

        @post("/json")
        async def json(self, request: Any) -> Any:
            return {"ok": True}

    class MoreExport(Export):
        path = "/more"

    app = App()
    app.include(Export)
    app.include(MoreExport)
    with make_client(app) as client:
        codes = [
            client.get("/export/csv").status_code,
            client.post("/export/json").status_code,
            client.get("/export/csv").status_code,
        ]
        inherited = client.get("/more/csv").status_code
    assert codes == [200, 200, 429]
    assert inherited == 429  # the subclass inherits the class's limit (and its budget)


def test_on_an_sse_route_the_stream_is_refused_before_it_starts() -> None:
    class Live(Controller):
        path = "/live"

        @sse("/ticks")
        @ratelimit("1/minute")
        async def ticks(self, request: Any) -> Any:
            yield {"data": "tick"}

    app = App()
    app.include(Live)
    with make_client(app) as client:
        assert client.get("/live/ticks").status_code == 200
        assert client.get("/live/ticks").status_code == 429


def test_a_websocket_handshake_over_the_limit_is_closed_with_1008() -> None:
    class Sockets(Controller):
        path = "/ws"

        @websocket("/echo")
        @ratelimit("1/minute")
        async def echo(self, ws: Any) -> None:
            await ws.accept()
            await ws.send_text("hello")
            await ws.close()

    app = App()
    app.include(Sockets)
    with make_client(app) as client:
        with client.websocket_connect("/ws/echo") as ws:
            assert ws.receive_text() == "hello"
        with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/ws/echo"):
            pass
    assert refused.value.code == 1008
    assert refused.value.reason.startswith("Too many requests: the limit is 1 per 1 minute.")


def test_an_unreachable_cache_refuses_with_503() -> None:
    caches = {
        "default": {"BACKEND": "locmem"},
        "limits": {"BACKEND": "redis", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    with (
        settings.override(CACHES=caches, RATELIMIT_CACHE="limits"),
        make_client(limited_app()) as client,
    ):
        response = client.get("/search")
    assert response.status_code == 503
    assert response.json()["detail"] == "Rate limiting is unavailable right now; try again shortly."
    assert response.headers["retry-after"] == "5"


@pytest.mark.parametrize("rate", ["", "ten per minute", "5/fortnight"])
def test_a_bad_rate_is_refused_where_it_is_written(rate: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="is not a rate: write '10/minute'"):
        ratelimit(rate)


def test_a_bad_key_is_refused() -> None:
    with pytest.raises(TypeError, match='ratelimit key must be "ip", "user" or a function'):
        ratelimit("1/minute", key="email")
