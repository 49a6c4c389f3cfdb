"""Routing: converters, path joining, routers, 405 with ``Allow``, redirects, build errors."""

from __future__ import annotations

import uuid

import pytest

from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Controller, Request, Router, get, post, register_converter
from framework.web.routing import SlugConvertor, join_paths, path_parameters
from tests.web.raw import call_asgi


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("/blog", "/posts", "/"), "/blog/posts"),
        (("", "/posts", "/{id:int}"), "/posts/{id:int}"),
        (("", "", "/"), "/"),
        (("/blog", "", "/{id}/"), "/blog/{id}/"),
        (("/blog/", "/posts/", "/new"), "/blog/posts/new"),
    ],
)
def test_join_paths(parts: tuple[str, ...], expected: str) -> None:
    assert join_paths(*parts) == expected


def test_converters_convert_path_parameters() -> None:
    app = App()
    seen: dict[str, object] = {}

    @app.get("/int/{value:int}")
    async def as_int(request: Request, value: int) -> str:
        seen["int"] = value
        return "ok"

    @app.get("/uuid/{value:uuid}")
    async def as_uuid(request: Request, value: uuid.UUID) -> str:
        seen["uuid"] = value
        return "ok"

    @app.get("/path/{value:path}")
    async def as_path(request: Request, value: str) -> str:
        seen["path"] = value
        return "ok"

    @app.get("/slug/{value:slug}")
    async def as_slug(request: Request, value: str) -> str:
        seen["slug"] = value
        return "ok"

    @app.get("/float/{value:float}")
    async def as_float(request: Request, value: float) -> str:
        seen["float"] = value
        return "ok"

    key = uuid.uuid4()
    with TestClient(app) as client:
        assert client.get("/int/42").status_code == 200
        assert client.get(f"/uuid/{key}").status_code == 200
        assert client.get("/path/a/b/c.txt").status_code == 200
        assert client.get("/slug/hello-world_2").status_code == 200
        assert client.get("/float/1.5").status_code == 200
        assert client.get("/int/abc").status_code == 404
        assert client.get("/slug/not%20a%20slug").status_code == 404
    assert seen == {
        "int": 42,
        "uuid": key,
        "path": "a/b/c.txt",
        "slug": "hello-world_2",
        "float": 1.5,
    }


def test_register_converter() -> None:
    class Upper(SlugConvertor):
        regex = "[A-Z]+"

    register_converter("upper", Upper())
    assert path_parameters("/x/{code:upper}") == ["code"]


def test_unknown_converter_is_refused_when_the_app_builds() -> None:
    app = App()

    @app.get("/x/{value:nope}")
    async def handler(request: Request, value: str) -> str:
        return value

    with pytest.raises(ImproperlyConfigured) as error:
        app.build()
    assert str(error.value).startswith(
        "Unknown path converter 'nope' in '/x/{value:nope}' of handler; use one of: float, int,"
    )


def test_path_parameter_missing_from_the_signature_is_refused() -> None:
    class Broken(Controller):
        path = "/broken"

        @get("/{id:int}")
        async def show(self, request: Request) -> None:
            return None

    app = App()
    app.include(Broken)
    with pytest.raises(ImproperlyConfigured) as error:
        app.build()
    assert str(error.value) == (
        "Broken.show handles '/broken/{id:int}' but has no parameter 'id'; add it: "
        "async def show(self, request, id)."
    )


def test_unknown_route_option_is_refused() -> None:
    app = App()

    @app.get("/", max_bodysize=10)
    async def index(request: Request) -> str:
        return ""

    with pytest.raises(ImproperlyConfigured) as error:
        app.build()
    assert str(error.value) == (
        "Unknown route option(s) ['max_bodysize'] on index (http route); valid: html, "
        "include_in_schema, max_body_size."
    )


def test_route_path_must_start_with_a_slash() -> None:
    with pytest.raises(ImproperlyConfigured) as error:

        @get("posts")
        async def handler(request: Request) -> None:
            return None

    assert str(error.value).endswith("must start with '/'.")


def test_duplicate_route_names_are_refused() -> None:
    app = App()

    @app.get("/a", name="same")
    async def first(request: Request) -> str:
        return "a"

    @app.get("/b", name="same")
    async def second(request: Request) -> str:
        return "b"

    with pytest.raises(ImproperlyConfigured) as error:
        app.build()
    message = str(error.value)
    assert message.startswith("Two routes are named 'same': tests.web.test_routing.")
    assert message.endswith("rename one, or give it name=... in its route decorator.")


def test_one_handler_may_serve_several_routes() -> None:
    app = App()

    @app.get("/one")
    @app.get("/two")
    async def shared(request: Request) -> str:
        return request.url.path

    with TestClient(app) as client:
        assert client.get("/one").text == "/one"
        assert client.get("/two").text == "/two"


def test_router_prefix_and_namespace() -> None:
    router = Router(prefix="/api", namespace="api")

    @router.get("/status")
    async def status(request: Request) -> dict[str, bool]:
        return {"ok": True}

    router.add_route("/echo", status, ["POST"], name="echo")
    app = App()
    app.include(router, prefix="/v1")
    with TestClient(app) as client:
        assert client.get("/v1/api/status").json() == {"ok": True}
        assert client.post("/v1/api/echo").json() == {"ok": True}
    assert app.url_for("api.status") == "/v1/api/status"
    assert app.url_for("api.echo") == "/v1/api/echo"


async def test_unknown_method_is_405_with_every_allowed_method() -> None:
    class Posts(Controller):
        path = "/posts"

        @get("/")
        async def index(self, request: Request) -> list[int]:
            return []

        @post("/")
        async def create(self, request: Request) -> dict[str, int]:
            return {}

    app = App()
    app.include(Posts)
    with TestClient(app) as client:
        response = client.delete("/posts")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"
    assert response.json() == {"detail": "Method Not Allowed", "errors": []}
    lowercase = await call_asgi(app, "get", "/posts")
    unknown = await call_asgi(app, "BREW", "/posts")
    assert (lowercase.status, lowercase.headers["allow"]) == (405, "GET, HEAD, POST")
    assert (unknown.status, unknown.headers["allow"]) == (405, "GET, HEAD, POST")


def test_trailing_slash_redirects_to_the_route() -> None:
    app = App()

    @app.get("/posts")
    async def posts(request: Request) -> str:
        return "posts"

    with TestClient(app, follow_redirects=False) as client:
        response = client.get("/posts/")
    assert response.status_code == 307
    assert response.headers["location"].endswith("/posts")


def test_head_is_answered_for_get_routes() -> None:
    app = App()

    @app.get("/")
    async def index(request: Request) -> str:
        return "body"

    with TestClient(app) as client:
        response = client.head("/")
    assert response.status_code == 200
    assert response.content == b""


def test_a_converter_raising_value_error_means_no_match_and_404() -> None:
    # Django's convention: to_python() raising ValueError means "this route does not match".
    class Month(SlugConvertor):
        regex = "[0-9]{4}-[0-9]{2}"

        def convert(self, value: str) -> tuple[int, int]:  # type: ignore[override]
            year, month = map(int, value.split("-"))
            if not 1 <= month <= 12:
                raise ValueError(f"no month {month}")
            return year, month

    register_converter("month", Month())
    app = App()

    @app.get("/archive/{month:month}")
    async def archive(request: Request, month: tuple[int, int]) -> dict[str, int]:
        return {"year": month[0], "month": month[1]}

    @app.get("/archive/{anything}")
    async def fallback(request: Request, anything: str) -> dict[str, str]:
        return {"other": anything}

    @app.get("/only/{month:month}")
    async def only(request: Request, month: tuple[int, int]) -> dict[str, int]:
        return {"month": month[1]}

    with TestClient(app) as client:
        assert client.get("/archive/2024-05").json() == {"year": 2024, "month": 5}
        assert client.get("/archive/2024-13").json() == {"other": "2024-13"}  # next route
        missing = client.get("/only/2024-13")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not Found", "errors": []})
