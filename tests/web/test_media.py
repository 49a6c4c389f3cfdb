"""Media types: ``@input(location="media")``, ``@produces`` negotiation, the registry."""

from __future__ import annotations

import json
from typing import Any

import pytest
from openapi_spec_validator import validate
from pydantic import BaseModel

from framework.exceptions import ImproperlyConfigured
from framework.io import input, output
from framework.openapi import generate_openapi
from framework.testing import TestClient
from framework.web import App, Request, produces, register_parser, register_renderer
from framework.web.media import best_match


class Book(BaseModel):
    title: str
    pages: int


def build() -> App:
    app = App()

    @app.post("/books")
    @input(Book, location="media")
    async def create(request: Request, data: Book) -> dict[str, Any]:
        return data.model_dump()

    @app.get("/sales")
    @produces("application/json", "application/yaml", "text/csv", "application/x-ndjson")
    async def sales(request: Request) -> Any:
        return [{"day": "mon", "sales": 3}, {"day": "tue", "sales": 5}]

    @app.get("/book")
    @produces("application/json", "application/yaml")
    @output(Book, status_code=201)
    async def book(request: Request) -> Any:
        return {"title": "Dune", "pages": 412, "secret": "dropped by @output"}

    return app


@pytest.fixture
def client() -> Any:
    with TestClient(build()) as c:
        yield c


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"title": "Dune", "pages": "412"}'),
        ("application/yaml", b"title: Dune\npages: 412\n"),
        ("text/yaml; charset=utf-8", b"title: Dune\npages: 412\n"),
        ("application/x-www-form-urlencoded", b"title=Dune&pages=412"),
    ],
)
def test_the_media_location_reads_json_yaml_and_forms(
    client: TestClient, content_type: str, body: bytes
) -> None:
    answer = client.post("/books", content=body, headers={"Content-Type": content_type})
    assert answer.json() == {"title": "Dune", "pages": 412}


def test_media_bodies_are_validated_refused_and_bounded(client: TestClient) -> None:
    yaml = {"Content-Type": "application/yaml"}
    invalid = client.post("/books", content=b"title: Dune\npages: many\n", headers=yaml)
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["loc"] == ["body", "pages"]
    malformed = client.post("/books", content=b"title: [unclosed\n", headers=yaml)
    assert malformed.status_code == 400
    assert malformed.json()["detail"].startswith("Malformed application/yaml body:")
    bomb = b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    aliases = client.post("/books", content=bomb, headers=yaml)
    assert aliases.status_code == 400
    assert "aliases" in aliases.json()["detail"]
    xml = client.post("/books", content=b"<book/>", headers={"Content-Type": "application/xml"})
    assert xml.status_code == 415
    assert xml.json()["detail"].startswith("Unsupported body type 'application/xml'; send one of")


@pytest.mark.parametrize(
    ("accept", "media_type", "body"),
    [
        (None, "application/json", '[{"day":"mon","sales":3},{"day":"tue","sales":5}]'),
        (
            "application/yaml",
            "application/yaml",
            "- day: mon\n  sales: 3\n- day: tue\n  sales: 5\n",
        ),
        ("text/*", "text/csv", "day,sales\r\nmon,3\r\ntue,5\r\n"),
        (
            "application/json;q=0.5, application/x-ndjson",
            "application/x-ndjson",
            '{"day": "mon", "sales": 3}\n{"day": "tue", "sales": 5}\n',
        ),
    ],
)
def test_produces_renders_what_accept_prefers(
    client: TestClient, accept: str | None, media_type: str, body: str
) -> None:
    answer = client.get("/sales", headers={"Accept": accept} if accept else {})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(media_type)
    assert answer.headers["vary"] == "Accept"
    assert answer.text == body


def test_produces_refuses_what_it_cannot_render(client: TestClient) -> None:
    refused = client.get("/sales", headers={"Accept": "application/xml"})
    assert refused.status_code == 406
    assert "application/json, application/yaml" in refused.json()["detail"]


def test_produces_keeps_the_output_schema_and_status(client: TestClient) -> None:
    answer = client.get("/book", headers={"Accept": "application/yaml"})
    assert (answer.status_code, answer.text) == (201, "title: Dune\npages: 412\n")


def test_registered_types_parse_and_render() -> None:
    register_parser("application/vnd.reversed", lambda body: json.loads(body[::-1]))
    register_renderer("application/vnd.reversed", lambda value: json.dumps(value).encode()[::-1])
    app = App()

    @app.post("/echo")
    @produces("application/vnd.reversed")
    @input(Book, location="media")
    async def echo(request: Request, data: Book) -> dict[str, Any]:
        return data.model_dump()

    body = b'{"title": "Dune", "pages": 1}'[::-1]
    with TestClient(app) as client:
        answer = client.post(
            "/echo", content=body, headers={"Content-Type": "application/vnd.reversed"}
        )
    assert json.loads(answer.content[::-1]) == {"title": "Dune", "pages": 1}


def test_produces_without_a_renderer_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="application/xml has none"):
        produces("application/xml")


def test_the_document_lists_the_media_types() -> None:
    document = generate_openapi(build())
    validate(document)
    request = document["paths"]["/books"]["post"]["requestBody"]["content"]
    assert {"application/json", "application/yaml", "application/x-www-form-urlencoded"} <= set(
        request
    )
    answers = document["paths"]["/book"]["get"]["responses"]["201"]["content"]
    assert list(answers) == ["application/json", "application/yaml"]


def test_best_match_follows_quality_and_specificity() -> None:
    offered = ["application/json", "application/yaml"]
    assert best_match("", offered) == "application/json"
    assert best_match("*/*", offered) == "application/json"
    assert best_match("application/yaml, */*;q=0.1", offered) == "application/yaml"
    assert best_match("application/*;q=0.5, application/json;q=0", offered) == "application/yaml"
    assert best_match("text/html", offered) is None


def test_produces_keeps_cookies_and_headers() -> None:
    from framework.web import JSONResponse

    app = App()

    @app.get("/prefs")
    @produces("application/json", "application/yaml")
    async def prefs(request: Request) -> Any:
        response = JSONResponse({"theme": "dark"}, headers={"X-Trace": "1"})
        response.set_cookie("a", "1")
        response.set_cookie("b", "2")
        return response

    @app.get("/made")
    @produces("application/yaml")
    async def made(request: Request) -> Any:
        return {"id": 7}, 201, {"Location": "/made/7"}

    with TestClient(app) as client:
        answer = client.get("/prefs", headers={"Accept": "application/yaml"})
        assert answer.text == "theme: dark\n"
        assert answer.headers["x-trace"] == "1"
        assert answer.headers.get_list("set-cookie")[0].startswith("a=1")
        assert len(answer.headers.get_list("set-cookie")) == 2
        made = client.get("/made")
        assert (made.status_code, made.headers["location"], made.text) == (
            201,
            "/made/7",
            "id: 7\n",
        )
