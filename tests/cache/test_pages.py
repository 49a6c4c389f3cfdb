"""``@cache_page``: what is stored, what is served, what never is."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from framework.cache import cache_page
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Controller, JSONResponse, get, post, sse, websocket

SECRET = "cache-page-tests-secret-key-0123456789abcdef"


@pytest.fixture
def calls() -> list[str]:
    return []


@pytest.fixture
def client(calls: list[str]) -> Iterator[TestClient]:
    settings.configure(SECRET_KEY=SECRET, DEBUG=True)
    app = App()

    @app.get("/items")
    @cache_page(60)
    async def items(request: Any) -> Any:
        calls.append(f"items?{request.url.query}")
        return {"items": [1, 2], "query": request.url.query}

    @app.get("/greeting")
    @cache_page(60)
    async def greeting(request: Any) -> Any:
        language = request.headers.get("accept-language", "en")
        calls.append(f"greeting:{language}")
        return JSONResponse({"hello": language}, headers={"Vary": "Accept-Language"})

    @app.get("/cookie")
    @cache_page(60)
    async def sets_cookie(request: Any) -> Any:
        calls.append("cookie")
        response = JSONResponse({"ok": True})
        response.set_cookie("seen", "1")
        return response

    @app.get("/private")
    @cache_page(60)
    async def private(request: Any) -> Any:
        calls.append("private")
        return JSONResponse({"ok": True}, headers={"Cache-Control": "private"})

    @app.get("/missing")
    @cache_page(60)
    async def missing(request: Any) -> Any:
        calls.append("missing")
        return JSONResponse({"detail": "no"}, status_code=404)

    @app.get("/session")
    @cache_page(60)
    async def session(request: Any) -> Any:
        calls.append("session")
        return {"visits": request.session.get("visits", 0)}

    @app.get("/per-user")
    @cache_page(60, vary=["Authorization"])
    async def per_user(request: Any) -> Any:
        calls.append(f"per-user:{request.headers.get('authorization')}")
        return {"user": request.headers.get("authorization")}

    @app.post("/items")
    @cache_page(60)
    async def create(request: Any) -> Any:
        calls.append("post")
        return {"created": True}

    with TestClient(app) as test_client:
        yield test_client


def test_a_get_is_served_from_the_cache_with_age_and_max_age(
    client: TestClient, calls: list[str]
) -> None:
    first = client.get("/items")
    second = client.get("/items")
    assert first.json() == second.json() == {"items": [1, 2], "query": ""}
    assert calls == ["items?"]
    assert first.headers["cache-control"] == "max-age=60"
    assert "age" not in first.headers
    assert int(second.headers["age"]) >= 0
    assert 0 < int(second.headers["cache-control"].removeprefix("max-age=")) <= 60
    assert second.headers["content-type"] == "application/json"


def test_each_url_has_its_own_entry(client: TestClient, calls: list[str]) -> None:
    client.get("/items?page=1")
    client.get("/items?page=2")
    assert client.get("/items?page=1").json()["query"] == "page=1"
    assert calls == ["items?page=1", "items?page=2"]


def test_head_reads_the_entry_of_get(client: TestClient, calls: list[str]) -> None:
    client.get("/items")
    response = client.head("/items")
    assert response.status_code == 200 and "age" in response.headers
    assert calls == ["items?"]


def test_responses_vary_on_the_headers_they_name(client: TestClient, calls: list[str]) -> None:
    french = client.get("/greeting", headers={"Accept-Language": "fr"}).json()
    german = client.get("/greeting", headers={"Accept-Language": "de"}).json()
    again = client.get("/greeting", headers={"Accept-Language": "fr"})
    assert (french, german, again.json()) == ({"hello": "fr"}, {"hello": "de"}, {"hello": "fr"})
    assert calls == ["greeting:fr", "greeting:de"] and "age" in again.headers


@pytest.mark.parametrize("path", ["/cookie", "/private", "/missing", "/session"])
def test_never_stored(client: TestClient, calls: list[str], path: str) -> None:
    client.get(path)
    response = client.get(path)
    assert "age" not in response.headers
    assert len(calls) == 2


def test_other_methods_are_never_cached(client: TestClient, calls: list[str]) -> None:
    client.post("/items")
    client.post("/items")
    assert calls == ["post", "post"]


def test_a_request_with_authorization_bypasses_the_cache(
    client: TestClient, calls: list[str]
) -> None:
    client.get("/items")
    response = client.get("/items", headers={"Authorization": "Bearer secret"})
    assert "age" not in response.headers
    client.get("/items", headers={"Authorization": "Bearer secret"})
    assert calls == ["items?", "items?", "items?"]


def test_a_route_may_cache_per_credential(client: TestClient, calls: list[str]) -> None:
    alice = {"Authorization": "Bearer alice"}
    bob = {"Authorization": "Bearer bob"}
    assert client.get("/per-user", headers=alice).json() == {"user": "Bearer alice"}
    assert client.get("/per-user", headers=bob).json() == {"user": "Bearer bob"}
    assert client.get("/per-user", headers=alice).json() == {"user": "Bearer alice"}
    assert calls == ["per-user:Bearer alice", "per-user:Bearer bob"]


def test_an_unreachable_cache_serves_the_route_and_logs(
    calls: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    settings.configure(
        SECRET_KEY=SECRET,
        CACHES={"default": {"BACKEND": "redis", "LOCATION": "redis://127.0.0.1:1/0"}},
    )
    app = App()

    @app.get("/")
    @cache_page(60)
    async def index(request: Any) -> Any:
        calls.append("index")
        return {"ok": True}

    with caplog.at_level(logging.WARNING, "framework.cache"), TestClient(app) as client:
        assert client.get("/").json() == {"ok": True}
        assert client.get("/").json() == {"ok": True}
    assert calls == ["index", "index"]
    warnings = [r.getMessage() for r in caplog.records if r.name == "framework.cache"]
    assert len(warnings) == 1 and "Cache 'default' is unavailable" in warnings[0]


def test_on_a_controller_method(calls: list[str]) -> None:
    settings.configure(SECRET_KEY=SECRET)

    class Catalog(Controller):
        path = "/catalog"

        @get("/")
        @cache_page(30)
        async def index(self, request: Any) -> Any:
            calls.append("catalog")
            return ["a"]

    app = App()
    app.include(Catalog)
    with TestClient(app) as client:
        assert client.get("/catalog").json() == client.get("/catalog").json() == ["a"]
    assert calls == ["catalog"]


@pytest.mark.parametrize("kind", ["websocket", "sse"])
def test_refused_at_build_on_streams(kind: str) -> None:
    settings.configure(SECRET_KEY=SECRET)

    class Live(Controller):
        path = "/live"

        if kind == "websocket":

            @websocket("/ws")
            @cache_page(30)
            async def socket(self, ws: Any) -> None: ...

        else:

            @sse("/events")
            @cache_page(30)
            async def events(self, request: Any) -> Any:
                yield {"data": 1}

    app = App()
    app.include(Live)
    with pytest.raises(
        ImproperlyConfigured, match=r"@cache_page cannot apply to the .* route Live\.\w+ "
    ):
        app.build()


def test_seconds_must_be_positive() -> None:
    with pytest.raises(ValueError, match="cache_page needs a number of seconds above 0; got 0"):
        cache_page(0)


def test_post_route_decorated_is_still_served(calls: list[str]) -> None:
    settings.configure(SECRET_KEY=SECRET)
    app = App()

    @app.route("/form", methods=["GET", "POST"])
    @cache_page(30)
    async def form(request: Any) -> Any:
        calls.append(request.method)
        return {"method": request.method}

    with TestClient(app) as client:
        client.get("/form")
        assert client.post("/form").json() == {"method": "POST"}
        assert client.get("/form").json() == {"method": "GET"}
    assert calls == ["GET", "POST"]


_ = post
