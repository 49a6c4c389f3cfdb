"""Static paths by dictionary lookup: the routes asked shrink, the answers stay the same."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Host, Match, Mount, Route, WebSocketRoute

from framework.testing import TestClient
from framework.web import App, Request, register_converter
from framework.web.dispatcher import Dispatcher, _matches
from framework.web.routes import IndexRoute
from framework.web.routetable import RouteTable
from framework.web.routing import SlugConvertor
from tests.web.raw import call_asgi


def test_a_parameterised_route_declared_first_wins_over_the_static_path_it_matches() -> None:
    app = App()

    @app.get("/users/{name}")
    async def user(request: Request, name: str) -> str:
        return f"user {name}"

    @app.get("/users/me")
    async def me(request: Request) -> str:
        return "me"

    @app.get("/items/new")
    async def new_item(request: Request) -> str:
        return "new"

    @app.get("/items/{key}")
    async def item(request: Request, key: str) -> str:
        return f"item {key}"

    with TestClient(app) as client:
        assert client.get("/users/me").text == "user me"
        assert client.get("/users/ann").text == "user ann"
        assert client.get("/items/new").text == "new"
        assert client.get("/items/7").text == "item 7"


async def test_405_lists_the_methods_of_static_and_parameterised_routes_alike() -> None:
    app = App()

    @app.get("/things/{name}")
    async def thing(request: Request, name: str) -> str:
        return name

    @app.post("/things/new")
    async def create(request: Request) -> str:
        return "created"

    @app.put("/things/new")
    async def replace(request: Request) -> str:
        return "replaced"

    refused = await call_asgi(app, "DELETE", "/things/new")
    assert (refused.status, refused.headers["allow"]) == (405, "GET, HEAD, POST, PUT")
    assert (await call_asgi(app, "GET", "/things/new")).body == b"new"
    assert (await call_asgi(app, "POST", "/things/new")).body == b"created"
    assert (await call_asgi(app, "PUT", "/things/new")).body == b"replaced"
    other = await call_asgi(app, "DELETE", "/things/old")
    assert (other.status, other.headers["allow"]) == (405, "GET, HEAD")


def test_a_converter_refusing_the_value_passes_on_to_the_static_route() -> None:
    class Year(SlugConvertor):
        regex = "[0-9]+"

        def convert(self, value: str) -> int:  # type: ignore[override]
            if len(value) != 4:
                raise ValueError(f"no year {value}")
            return int(value)

    register_converter("table_year", Year())
    app = App()

    @app.get("/archive/{year:table_year}")
    async def by_year(request: Request, year: int) -> str:
        return f"year {year}"

    @app.get("/archive/123")
    async def fixed(request: Request) -> str:
        return "fixed"

    @app.get("/archive/2024")
    async def shadowed(request: Request) -> str:
        return "shadowed"

    with TestClient(app) as client:
        assert client.get("/archive/123").text == "fixed"
        assert client.get("/archive/2024").text == "year 2024"
        assert client.get("/archive/99").status_code == 404


def test_slash_redirects_find_static_and_parameterised_routes() -> None:
    app = App()

    @app.get("/posts")
    async def posts(request: Request) -> str:
        return "posts"

    @app.get("/posts/{key:int}/")
    async def post(request: Request, key: int) -> str:
        return str(key)

    with TestClient(app, follow_redirects=False) as client:
        assert client.get("/posts/").headers["location"].endswith("/posts")
        assert client.get("/posts/3").headers["location"].endswith("/posts/3/")
        assert client.get("/posts/x").status_code == 404


def _text(body: str) -> Any:
    async def endpoint(request: Any) -> PlainTextResponse:
        return PlainTextResponse(body)

    return endpoint


async def test_a_mount_declared_first_answers_the_static_path_under_it() -> None:
    mounted = Dispatcher([Route("/x", _text("mounted"))])
    routes = [Mount("/sub", app=mounted), Route("/sub/x", _text("route")), Route("/y", _text("y"))]
    dispatcher = Dispatcher(routes)
    assert (await call_asgi(dispatcher, "GET", "/sub/x")).body == b"mounted"
    assert (await call_asgi(dispatcher, "GET", "/y")).body == b"y"
    assert dispatcher.table.candidates({"type": "http", "path": "/y"}) == (routes[2],)


async def test_host_routes_are_asked_first_for_static_paths_too() -> None:
    api = Dispatcher([Route("/status", _text("api"))])
    dispatcher = Dispatcher([Host("api.example.com", app=api), Route("/status", _text("site"))])
    host = [(b"host", b"api.example.com")]
    assert (await call_asgi(dispatcher, "GET", "/status", headers=host)).body == b"api"
    assert (await call_asgi(dispatcher, "GET", "/status")).body == b"site"


def test_a_static_path_asks_only_its_routes_among_three_hundred() -> None:
    routes = [Route(f"/page{number}", _text(str(number))) for number in range(300)]
    table = RouteTable([Route("/pages/{key}", _text("key")), *routes])
    assert table.candidates({"type": "http", "path": "/page299"}) == (routes[299],)
    assert len(table.candidates({"type": "http", "path": "/pages/9"})) == 1
    assert table.candidates({"type": "http", "path": "/nowhere"}) == ()


def test_a_parameterised_path_asks_only_the_routes_under_its_first_segment() -> None:
    everywhere = Route("/{slug}/edit", _text("slug"))
    routes = [Route(f"/p{number}/{{key:int}}", _text(str(number))) for number in range(300)]
    table = RouteTable([*routes, everywhere, Mount("/p299", app=Dispatcher([]))])
    last = table.candidates({"type": "http", "path": "/p299/7"})
    assert last == (routes[299], everywhere, table.routes[-1])
    assert table.candidates({"type": "http", "path": "/other/edit"}) == (everywhere,)


def _reference(routes: list[BaseRoute], scope: dict[str, Any]) -> tuple[Any, set[str]]:
    """Return what asking every route in order answers: the route, or the allowed methods."""
    allowed: set[str] = set()
    for route in routes:
        match, _ = _matches(route, scope)
        if match is Match.FULL:
            return route, set()
        if match is Match.PARTIAL:
            allowed.update(getattr(route, "methods", None) or ())
    return None, allowed


def _through_table(table: RouteTable, scope: dict[str, Any]) -> tuple[Any, set[str]]:
    return _reference(list(table.candidates(scope)), scope)


class _Digits(SlugConvertor):
    regex = "[0-9]+"

    def convert(self, value: str) -> int:  # type: ignore[override]
        if value.startswith("0"):
            raise ValueError("no leading zero")
        return int(value)


register_converter("table_digits", _Digits())
ENDPOINT = _text("x")
ROUTES: list[BaseRoute] = [
    Host("{sub}.example.com", app=Dispatcher([])),
    Route("/a/{key}", ENDPOINT, methods=["GET"]),
    Route("/a/b", ENDPOINT, methods=["POST"]),
    Route("/a/b", ENDPOINT, methods=["PUT", "GET"]),
    Route("/n/{n:table_digits}", ENDPOINT),
    Route("/n/012", ENDPOINT, methods=["DELETE"]),
    Route("/", ENDPOINT),
    WebSocketRoute("/ws", ENDPOINT),
    Route("/ws", ENDPOINT, methods=["GET"]),
    WebSocketRoute("/ws/{room:int}", ENDPOINT),
    Mount("/m", app=Dispatcher([])),
    Route("/m/static", ENDPOINT),
    IndexRoute("/app", ENDPOINT),
    Route("/app", ENDPOINT, methods=["POST"]),
    Route("/files/{rest:path}", ENDPOINT),
    Route("/files/readme", ENDPOINT),
    Route("/tail", ENDPOINT),
    Route("/v{version:int}/items", ENDPOINT),
    Route("/a{rest:path}", ENDPOINT, methods=["PATCH"]),
    Mount("", app=Dispatcher([])),
]
PATHS = [
    "/", "/a/b", "/a/c", "/a/b/", "/n/12", "/n/012", "/n/x", "/ws", "/ws/3", "/ws/x",
    "/m", "/m/static", "/m/", "/app", "/files/readme", "/files/a/b", "/tail", "/tail\n",
    "/tail/", "/nowhere", "", "/v2/items", "/a", "a/b", "/ab/c", "//a/b",
]  # fmt: skip


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method", ["GET", "POST", "DELETE", None])
@pytest.mark.parametrize("host", [b"api.example.com", b"localhost"])
@pytest.mark.parametrize("root_path", ["", "/root"])
def test_the_table_answers_as_asking_every_route_in_order(
    path: str, method: str | None, host: bytes, root_path: str
) -> None:
    scope: dict[str, Any] = {
        "type": "websocket" if method is None else "http",
        "path": root_path + path,
        "root_path": root_path,
        "headers": [(b"host", host)],
    }
    if method is not None:
        scope["method"] = method
    table = RouteTable(ROUTES)
    assert _through_table(table, scope) == _reference(ROUTES, scope)
