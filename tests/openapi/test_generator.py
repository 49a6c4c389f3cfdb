"""The generated document: paths, parameters, bodies, answers, tags, security, webhooks."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from marshmallow import Schema, fields
from openapi_spec_validator import validate
from pydantic import BaseModel, Field

from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.io import expect, input, output, webhook
from framework.io.pydantic import FileField
from framework.openapi import doc, generate_openapi
from framework.web import (
    App,
    Controller,
    Router,
    delete,
    endpoint_spec,
    get,
    post,
    sse,
    websocket,
)

BASIC = ("basicAuth", {"type": "http", "scheme": "basic"}, [])
OAUTH = (
    "oauth",
    {
        "type": "oauth2",
        "flows": {
            "clientCredentials": {"tokenUrl": "/token", "scopes": {"items:write": "Change items"}}
        },
    },
    ["items:write"],
)


def secured(*entries: tuple[str, dict[str, Any], list[str]]) -> Any:
    """Stand in for an auth decorator: append security requirement entries to the metadata."""

    def decorator(func: Any) -> Any:
        endpoint_spec(func).meta.setdefault("security", []).extend(entries)
        return func

    return decorator


class Item(BaseModel):
    """An item for sale."""

    id: int
    name: str = Field(max_length=20, description="Shown to customers.")


class NewItem(BaseModel):
    name: str


class Filters(BaseModel):
    q: str | None = None
    tags: list[str] = []


class Auth(BaseModel):
    x_api_key: str


class Note(Schema):
    """A note (marshmallow)."""

    id = fields.Integer(dump_only=True)
    text = fields.String(required=True)
    secret = fields.String(load_only=True)


class Upload(BaseModel):
    file: FileField


class ItemController(Controller):
    """Items of the shop."""

    path = "/items"

    @get("/")
    @input(Filters, location="query")
    @output(Item, many=True)
    async def index(self, request, query):
        """List items
        ---
        Filtered by text and tags.
        """
        return []

    @post("/")
    @secured(BASIC, OAUTH)
    @input(NewItem)
    @input(Auth, location="headers")
    @output(Item, status_code=201, headers={"Location": "Where the item lives"})
    async def create(self, request, data, headers):
        """Create an item."""
        return {}

    @get("/{id:int}")
    @output(Item)
    @expect({404: "No such item", 410: (Note, "Gone, with a note")})
    async def show(self, request, id):
        return {}

    @delete("/{id:int}")
    @expect({204: "Deleted"})
    async def remove(self, request, id):
        return None

    @get("/hidden", include_in_schema=False)
    async def hidden(self, request):
        return {}

    @websocket("/live")
    async def live(self, ws):
        return None


router = Router(prefix="/misc")


@router.post("/notes/{key:uuid}")
@input(Note)
@output(Note, status_code=201)
async def add_note(request, key: uuid.UUID, data):
    return data


@router.post("/upload")
@input(Upload, location="form")
async def upload(request, data):
    return {}


@router.post("/hooks/payment")
@webhook(name="payment")
@input(NewItem)
async def payment(request, data):
    return {}


@router.get("/legacy/{slug:slug}/{rest:path}")
@doc(summary="Old listing", tags=["Legacy"], deprecated=True, operation_id="legacy")
async def legacy(request, slug, rest):
    return {}


def make_app() -> App:
    app = App()
    app.include(ItemController)
    app.include(router)
    return app


@pytest.fixture
def document() -> dict[str, Any]:
    with settings.override(
        OPENAPI_TITLE="Shop",
        OPENAPI_VERSION="2.1",
        OPENAPI_DESCRIPTION="\n    The shop's API.\n    ",
        OPENAPI_INFO={"license": {"name": "MIT", "identifier": "MIT"}},
        OPENAPI_SERVERS=[{"url": "https://api.example.com"}],
    ):
        return generate_openapi(make_app())


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["info"] == {
        "title": "Shop",
        "version": "2.1",
        "description": "The shop's API.",
        "license": {"name": "MIT", "identifier": "MIT"},
    }
    assert document["servers"] == [{"url": "https://api.example.com"}]


def test_paths_and_methods_leave_out_hidden_routes_websockets_and_webhooks(
    document: dict[str, Any],
) -> None:
    assert {path: sorted(ops) for path, ops in document["paths"].items()} == {
        "/items": ["get", "post"],
        "/items/{id}": ["delete", "get"],
        "/misc/notes/{key}": ["post"],
        "/misc/upload": ["post"],
        "/misc/legacy/{slug}/{rest}": ["get"],
    }
    assert list(document["webhooks"]) == ["payment"]
    assert document["webhooks"]["payment"]["post"]["requestBody"]["content"]["application/json"]


def test_docstrings_give_summary_and_description(document: dict[str, Any]) -> None:
    index = document["paths"]["/items"]["get"]
    assert (index["summary"], index["description"]) == ("List items", "Filtered by text and tags.")
    assert document["paths"]["/items"]["post"]["summary"] == "Create an item."
    assert "summary" not in document["paths"]["/items/{id}"]["get"]


def test_a_controller_without_a_docstring_gives_a_bare_tag() -> None:
    class Plain(Controller):
        path = "/plain"

        @get("/")
        async def index(self, request):
            return {}

    app = App()
    app.include(Plain)
    assert generate_openapi(app)["tags"] == [{"name": "Plain"}]


def test_tags_come_from_controllers_and_doc_overrides(document: dict[str, Any]) -> None:
    assert document["paths"]["/items"]["get"]["tags"] == ["Item"]
    assert "tags" not in document["paths"]["/misc/upload"]["post"]
    legacy = document["paths"]["/misc/legacy/{slug}/{rest}"]["get"]
    assert (legacy["tags"], legacy["summary"], legacy["deprecated"], legacy["operationId"]) == (
        ["Legacy"],
        "Old listing",
        True,
        "legacy",
    )
    assert document["tags"] == [
        {"name": "Item", "description": "Items of the shop."},
        {"name": "Legacy"},
    ]


def test_path_parameters_have_the_converters_types(document: dict[str, Any]) -> None:
    def params(path: str, method: str) -> list[tuple[str, Any]]:
        operation = document["paths"][path][method]
        return [(p["name"], p["schema"]) for p in operation["parameters"] if p["in"] == "path"]

    assert params("/items/{id}", "get") == [("id", {"type": "integer", "minimum": 0})]
    assert params("/misc/notes/{key}", "post") == [("key", {"type": "string", "format": "uuid"})]
    assert params("/misc/legacy/{slug}/{rest}", "get") == [
        ("slug", {"type": "string", "pattern": "^(?:[-a-zA-Z0-9_]+)$"}),
        ("rest", {"type": "string"}),
    ]


def test_query_and_header_inputs_are_parameters(document: dict[str, Any]) -> None:
    query = document["paths"]["/items"]["get"]["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in query] == [
        ("q", "query", False),
        ("tags", "query", False),
    ]
    assert query[1]["explode"] is True
    headers = document["paths"]["/items"]["post"]["parameters"]
    assert [(p["name"], p["in"], p["required"]) for p in headers] == [("x-api-key", "header", True)]


def test_bodies_and_their_media_types(document: dict[str, Any]) -> None:
    create = document["paths"]["/items"]["post"]["requestBody"]
    assert create == {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewItem"}}},
    }
    upload = document["paths"]["/misc/upload"]["post"]["requestBody"]["content"]
    assert list(upload) == ["multipart/form-data"]
    schemas = document["components"]["schemas"]
    assert schemas["Upload"]["properties"]["file"] == {
        "format": "binary",
        "title": "File",
        "type": "string",
    }


def test_answers_from_output_expect_and_validation(document: dict[str, Any]) -> None:
    def statuses(path: str, method: str) -> dict[str, str]:
        responses = document["paths"][path][method]["responses"]
        return {status: answer["description"] for status, answer in responses.items()}

    assert statuses("/items", "post") == {
        "201": "Created",
        "400": "Malformed request body",
        "401": "Authentication required",
        "413": "Request body too large",
        "415": "Unsupported media type",
        "422": "Validation error",
    }
    assert statuses("/items/{id}", "get") == {
        "200": "OK",
        "404": "No such item",
        "410": "Gone, with a note",
    }
    assert statuses("/items/{id}", "delete") == {"204": "Deleted"}
    index = document["paths"]["/items"]["get"]["responses"]["200"]["content"]["application/json"]
    assert index["schema"] == {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}
    created = document["paths"]["/items"]["post"]["responses"]["201"]
    assert created["headers"] == {
        "Location": {"description": "Where the item lives", "schema": {"type": "string"}}
    }
    error = document["paths"]["/items/{id}"]["get"]["responses"]["404"]["content"]
    assert error == {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def test_security_entries_become_schemes_and_alternative_requirements(
    document: dict[str, Any],
) -> None:
    assert document["components"]["securitySchemes"] == {"basicAuth": BASIC[1], "oauth": OAUTH[1]}
    assert document["paths"]["/items"]["post"]["security"] == [
        {"basicAuth": []},
        {"oauth": ["items:write"]},
    ]
    assert "security" not in document["paths"]["/items"]["get"]


def test_a_scheme_name_used_for_two_schemes_is_refused() -> None:
    app = App()

    @app.get("/a")
    @secured(BASIC)
    async def first(request):
        return {}

    @app.get("/b")
    @secured(("basicAuth", {"type": "http", "scheme": "bearer"}, []))
    async def second(request):
        return {}

    with pytest.raises(ImproperlyConfigured) as caught:
        generate_openapi(app)
    assert str(caught.value) == (
        "Two security schemes are named 'basicAuth' ({'type': 'http', 'scheme': 'basic'} and "
        "{'type': 'http', 'scheme': 'bearer'}, the second on second); give one another name."
    )


def test_a_malformed_security_entry_is_refused() -> None:
    app = App()

    @app.get("/a")
    @secured("basicAuth")  # type: ignore[arg-type]
    async def first(request):
        return {}

    with pytest.raises(ImproperlyConfigured, match="must hold \\(scheme_name, scheme, scopes\\)"):
        generate_openapi(app)


def test_marshmallow_modes_split_dump_only_and_load_only(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    note_in, note_out = schemas["Note"], schemas["Note-Output"]
    assert list(note_in["properties"]) == ["text", "secret"]
    assert list(note_out["properties"]) == ["id", "text"]
    assert note_in["description"] == "A note (marshmallow)."
    operation = document["paths"]["/misc/notes/{key}"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Note"
    }
    assert operation["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Note-Output"
    }


def test_pydantic_and_marshmallow_names_never_collide() -> None:
    class Thing(BaseModel):
        a: int

    class MarshmallowThing(Schema):
        b = fields.Integer()

    MarshmallowThing.__name__ = "Thing"
    app = App()

    @app.post("/p")
    @input(Thing)
    async def p(request, data):
        return {}

    @app.post("/m")
    @input(MarshmallowThing)
    async def m(request, data):
        return {}

    document = generate_openapi(app)
    validate(document)
    schemas = document["components"]["schemas"]
    assert "a" in schemas["Thing"]["properties"]
    assert "b" in schemas["Thing2"]["properties"]
    assert document["paths"]["/m"]["post"]["requestBody"]["content"]["application/json"][
        "schema"
    ] == {"$ref": "#/components/schemas/Thing2"}


def test_a_paginated_output_documents_the_envelope() -> None:
    app = App()

    @app.get("/items")
    @output(Item, paginated=True)
    async def items(request):
        return None

    schema = generate_openapi(app)["paths"]["/items"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    assert schema["required"] == [
        "items",
        "total",
        "page",
        "per_page",
        "pages",
        "has_next",
        "has_prev",
    ]
    assert schema["properties"]["items"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Item"},
    }


def test_a_server_sent_events_stream_documents_one_event() -> None:
    # Before OpenAPI 3.2 the schema of text/event-stream is that of each event, as browsers
    # (and schemathesis) parse it: a bare string would reject every real event.
    class Ticks(Controller):
        path = "/ticks"

        @sse("/")
        async def ticks(self, request):
            yield {"event": "tick", "data": {"n": 1}, "id": 1}

    app = App()
    app.include(Ticks)
    document = generate_openapi(app)
    validate(document)
    answer = document["paths"]["/ticks"]["get"]["responses"]["200"]
    assert answer["content"]["text/event-stream"]["schema"] == {
        "type": "object",
        "properties": {
            "data": {"type": "string"},
            "event": {"type": "string"},
            "id": {"type": "string"},
            "retry": {"type": "integer", "minimum": 0},
        },
        "required": ["data"],
    }
