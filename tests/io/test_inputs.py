"""``@input``: every location, both libraries, strict content types, bad input never a 500."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from pydantic import BaseModel, Field

from framework.exceptions import ImproperlyConfigured
from framework.io import input
from framework.testing import TestClient
from framework.web import App, Controller, post
from tests.io.schemas import ITEM_SCHEMAS, PAGING_SCHEMAS, ItemModel, as_dict

JSON = {"content-type": "application/json"}


def item_app(schema: Any) -> App:
    app = App()

    @app.post("/items")
    @input(schema)
    async def create(request, data):
        return {"data": as_dict(data), "type": type(data).__name__}

    return app


@pytest.fixture(params=ITEM_SCHEMAS, ids=["pydantic", "marshmallow"])
def client(request: pytest.FixtureRequest) -> Any:
    with TestClient(item_app(request.param)) as test_client:
        yield test_client


def test_valid_json_is_injected_as_data(client: TestClient) -> None:
    response = client.post("/items", json={"name": "pen", "price": 1.5})
    assert response.status_code == 200
    assert response.json()["data"] == {"name": "pen", "price": 1.5, "tags": []}


def test_pydantic_gives_a_model_and_marshmallow_a_dict() -> None:
    with TestClient(item_app(ItemModel)) as test_client:
        assert test_client.post("/items", json={"name": "a", "price": 1}).json()["type"] == (
            "ItemModel"
        )


@pytest.mark.parametrize("content_type", ["application/json", "application/merge-patch+json"])
def test_json_content_types_are_accepted(client: TestClient, content_type: str) -> None:
    response = client.post(
        "/items", content=b'{"name": "a", "price": 1}', headers={"content-type": content_type}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("content_type", "shown"),
    [("text/plain", "'text/plain'"), (None, "none"), ("application/jsonx", "'application/jsonx'")],
)
def test_other_content_types_are_415(
    client: TestClient, content_type: str | None, shown: str
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/items", content=b'{"name": "a", "price": 1}', headers=headers)
    assert response.status_code == 415
    assert response.json() == {
        "detail": f"Expected a JSON body (Content-Type: application/json); got {shown}.",
        "errors": [
            {
                "loc": ["header", "content-type"],
                "msg": "Unsupported media type",
                "type": "content_type",
            }
        ],
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b'{"name": "a"} trailing',
            {
                "detail": "Malformed JSON body: Extra data at line 1 column 15.",
                "errors": [{"loc": ["body", 14], "msg": "Extra data", "type": "json_invalid"}],
            },
        ),
        (
            b'{"name": ',
            {
                "detail": "Malformed JSON body: Expecting value at line 1 column 10.",
                "errors": [{"loc": ["body", 9], "msg": "Expecting value", "type": "json_invalid"}],
            },
        ),
        (
            b"",
            {
                "detail": "The request body is empty; expected JSON.",
                "errors": [{"loc": ["body"], "msg": "Empty body", "type": "json_invalid"}],
            },
        ),
    ],
)
def test_malformed_json_is_400_with_the_position(
    client: TestClient, body: bytes, expected: dict[str, Any]
) -> None:
    response = client.post("/items", content=body, headers=JSON)
    assert response.status_code == 400
    assert response.json() == expected


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"[" * 100_000, "Malformed JSON body: it is nested too deeply."),
        (b'{"price": 1' + b"0" * 5000 + b"}", "Malformed JSON body: a number has too many digits."),
        (b"\xff\xfe{", "Malformed JSON body: it is not valid UTF-8."),
        (
            b'{"name": "\\ud800", "price": 1}',
            "Malformed JSON body: a string holds an unpaired surrogate escape (\\ud800-\\udfff).",
        ),
        (
            b'{"name": "a", "price": NaN}',
            "Malformed JSON body: NaN is not a JSON value (JSON has no NaN or Infinity; send "
            "null or a string).",
        ),
        (
            b'{"name": "a", "price": -Infinity}',
            "Malformed JSON body: -Infinity is not a JSON value (JSON has no NaN or Infinity; "
            "send null or a string).",
        ),
    ],
    ids=["deep-nesting", "huge-number", "bad-utf8", "lone-surrogate", "nan", "minus-infinity"],
)
def test_hostile_bodies_are_400_and_the_worker_survives(
    client: TestClient, body: bytes, detail: str
) -> None:
    response = client.post("/items", content=body, headers=JSON)
    assert response.status_code == 400
    assert response.json()["detail"] == detail
    assert client.post("/items", json={"name": "a", "price": 1}).status_code == 200


def test_the_words_nan_and_infinity_inside_strings_are_plain_text(client: TestClient) -> None:
    response = client.post("/items", content=b'{"name": "NaN", "price": 1}', headers=JSON)
    assert response.json()["data"]["name"] == "NaN"


def test_every_error_is_listed_with_loc_msg_and_type(client: TestClient) -> None:
    response = client.post(
        "/items", json={"name": "x" * 11, "price": "cheap", "tags": [1], "colour": "red"}
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    types = {tuple(error["loc"]): error["type"] for error in errors}
    price = types.pop(("body", "price"))
    assert price in {"float_parsing", "float_type"}  # pydantic knows the input was a string
    assert types == {
        ("body", "name"): "string_too_long",
        ("body", "tags", 0): "string_type",
        ("body", "colour"): "extra_forbidden",
    }
    assert {tuple(error["loc"]) for error in errors} == {
        ("body", "name"),
        ("body", "price"),
        ("body", "tags", 0),
        ("body", "colour"),
    }
    assert all(set(error) == {"loc", "msg", "type"} for error in errors)


def test_missing_fields_are_422_missing(client: TestClient) -> None:
    response = client.post("/items", json={})
    assert response.status_code == 422
    assert [(e["loc"], e["type"]) for e in response.json()["errors"]] == [
        (["body", "name"], "missing"),
        (["body", "price"], "missing"),
    ]


@pytest.mark.parametrize("body", [b"[]", b"42", b'"text"', b"null"])
def test_a_body_of_the_wrong_shape_is_422(client: TestClient, body: bytes) -> None:
    response = client.post("/items", content=body, headers=JSON)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body"]


def test_huge_valid_numbers_and_long_strings_do_not_break_anything(client: TestClient) -> None:
    response = client.post("/items", json={"name": "n" * 100_000, "price": 1e308})
    assert response.status_code == 422
    assert response.json()["errors"][0]["type"] == "string_too_long"


def test_pydantic_details_are_verbatim() -> None:
    with TestClient(item_app(ItemModel)) as test_client:
        response = test_client.post("/items", json={"name": "x" * 11, "price": -1})
    assert response.json() == {
        "detail": "Validation failed (2 errors); body.name: "
        "String should have at most 10 characters.",
        "errors": [
            {
                "loc": ["body", "name"],
                "msg": "String should have at most 10 characters",
                "type": "string_too_long",
            },
            {
                "loc": ["body", "price"],
                "msg": "Input should be greater than or equal to 0",
                "type": "greater_than_equal",
            },
        ],
    }


def test_marshmallow_details_are_verbatim() -> None:
    from tests.io.schemas import ItemSchema

    with TestClient(item_app(ItemSchema)) as test_client:
        response = test_client.post("/items", json={"name": "x" * 11, "price": -1})
    assert response.json() == {
        "detail": "Validation failed (2 errors); body.name: Longer than maximum length 10.",
        "errors": [
            {
                "loc": ["body", "name"],
                "msg": "Longer than maximum length 10.",
                "type": "string_too_long",
            },
            {
                "loc": ["body", "price"],
                "msg": "Must be greater than or equal to 0.",
                "type": "greater_than_equal",
            },
        ],
    }


def test_many_reads_a_json_list() -> None:
    app = App()

    @app.post("/bulk")
    @input(ItemModel, many=True)
    async def bulk(request, data):
        return {"names": [item.name for item in data]}

    with TestClient(app) as test_client:
        ok = test_client.post("/bulk", json=[{"name": "a", "price": 1}, {"name": "b", "price": 2}])
        bad = test_client.post("/bulk", json=[{"name": "a", "price": 1}, {"price": 2}])
    assert ok.json() == {"names": ["a", "b"]}
    assert bad.json()["errors"] == [
        {"loc": ["body", 1, "name"], "msg": "Field required", "type": "missing"}
    ]


# -- other locations --------------------------------------------------------------------------


@pytest.mark.parametrize("schema", PAGING_SCHEMAS, ids=["pydantic", "marshmallow"])
def test_query_values_are_converted_and_lists_collect_every_value(schema: Any) -> None:
    app = App()

    @app.get("/search")
    @input(schema, location="query")
    async def search(request, query):
        return as_dict(query)

    with TestClient(app) as test_client:
        ok = test_client.get("/search?page=3&tag=a&tag=b&utm_source=mail")
        bad = test_client.get("/search?page=0")
        wrong = test_client.get("/search?page=two")
    assert ok.json() == {"page": 3, "tag": ["a", "b"]}
    assert bad.status_code == wrong.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["query", "page"]
    assert bad.json()["errors"][0]["type"] == "greater_than_equal"
    assert wrong.json()["errors"][0]["loc"] == ["query", "page"]


class ApiKey(BaseModel):
    x_api_key: str = Field(alias="X-API-Key", min_length=3)
    x_trace: str | None = None


def test_headers_are_matched_by_alias_or_name_case_insensitively() -> None:
    app = App()

    @app.get("/secure")
    @input(ApiKey, location="headers", key="auth")
    async def secure(request, auth):
        return {"key": auth.x_api_key, "trace": auth.x_trace}

    with TestClient(app) as test_client:
        ok = test_client.get("/secure", headers={"x-api-key": "secret", "X-Trace": "t1"})
        missing = test_client.get("/secure")
    assert ok.json() == {"key": "secret", "trace": "t1"}
    assert missing.status_code == 422
    assert missing.json()["errors"] == [
        {"loc": ["header", "X-API-Key"], "msg": "Field required", "type": "missing"}
    ]


def test_cookies_and_path_are_locations_too() -> None:
    from marshmallow import Schema, fields

    class Prefs(Schema):
        theme = fields.String(required=True)

    class Ident(BaseModel):
        id: int = Field(le=1000)

    app = App()

    @app.get("/things/{id:int}")
    @input(Prefs, location="cookies")
    @input(Ident, location="path")
    async def thing(request, id, cookies, path):
        return {"theme": cookies["theme"], "id": path.id}

    with TestClient(app) as test_client:
        test_client.cookies.set("theme", "dark")
        ok = test_client.get("/things/7")
        too_big = test_client.get("/things/5000")
        test_client.cookies.clear()
        no_cookie = test_client.get("/things/7")
    assert ok.json() == {"theme": "dark", "id": 7}
    assert too_big.json()["errors"][0]["loc"] == ["path", "id"]
    assert no_cookie.json()["errors"] == [
        {"loc": ["cookie", "theme"], "msg": "Missing data for required field.", "type": "missing"}
    ]


def test_form_bodies_need_a_form_content_type() -> None:
    app = App()

    @app.post("/form")
    @input(ItemModel, location="form")
    async def form(request, data):
        return as_dict(data)

    with TestClient(app) as test_client:
        ok = test_client.post("/form", data={"name": "pen", "price": "2.5", "tags": ["a", "b"]})
        as_json = test_client.post("/form", json={"name": "pen", "price": 2})
    assert ok.json() == {"name": "pen", "price": 2.5, "tags": ["a", "b"]}
    assert as_json.status_code == 415
    assert as_json.json()["detail"] == (
        "Expected a form body (Content-Type: application/x-www-form-urlencoded or "
        "multipart/form-data); got 'application/json'."
    )


def test_several_inputs_on_a_controller_method() -> None:
    class Api(Controller):
        path = "/api"

        @post("/items")
        @input(ItemModel)
        @input(PAGING_SCHEMAS[0], location="query", key="params")
        async def create(self, request, data, params):
            return {"name": data.name, "page": params.page}

    app = App()
    app.include(Api)
    with TestClient(app) as test_client:
        response = test_client.post("/api/items?page=2", json={"name": "a", "price": 1})
    assert response.json() == {"name": "a", "page": 2}


# -- mistakes fail when the module is imported ------------------------------------------------


def test_unknown_location_names_the_valid_ones() -> None:
    with pytest.raises(ValueError) as caught:
        input(ItemModel, location="bdy")
    assert str(caught.value) == (
        "Unknown input location 'bdy'; use one of: json, form, media, files, query, headers, "
        "cookies, path."
    )


def test_a_missing_handler_parameter_is_refused_with_the_fix() -> None:
    with pytest.raises(ImproperlyConfigured) as caught:

        @input(ItemModel)
        async def create(request):
            return None

    assert str(caught.value) == (
        "test_a_missing_handler_parameter_is_refused_with_the_fix.<locals>.create has no "
        "parameter 'data' for @input(ItemModel, location='json'); add it "
        "(async def create(request, data)) or choose another name with key='...'."
    )


def test_two_bodies_or_two_equal_keys_are_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="reads the body twice"):

        @input(ItemModel, location="form", key="form")
        @input(ItemModel)
        async def both(request, data, form):
            return None

    with pytest.raises(ImproperlyConfigured, match="pass the argument 'query'"):

        @input(PAGING_SCHEMAS[0], location="query")
        @input(PAGING_SCHEMAS[1], location="query")
        async def twice(request, query):
            return None


def test_many_only_applies_to_json_and_a_dict_is_not_a_schema() -> None:
    with pytest.raises(ImproperlyConfigured, match="many=True"):
        input(ItemModel, location="query", many=True)
    with pytest.raises(TypeError, match="is not a schema"):
        input({"name": str})


def test_importing_framework_io_does_not_import_marshmallow() -> None:
    code = (
        "import sys, framework.io, framework.openapi; "
        "print('marshmallow' in sys.modules, 'pydantic' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["False", "False"], result.stderr
