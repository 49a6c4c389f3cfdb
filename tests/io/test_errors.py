"""The common error format: detail wording, VALIDATION_MAX_ERRORS, marshmallow error types."""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import Schema, fields, validate
from pydantic import BaseModel

from framework.conf import settings
from framework.io import input
from framework.io.errors import error_item, validation_failed
from framework.testing import TestClient
from framework.web import App


def test_one_error_is_named_in_the_detail() -> None:
    exc = validation_failed([error_item(["body", "name"], "Field required", "missing")])
    assert exc.status_code == 422
    assert exc.detail == "Validation failed: body.name: Field required."


def test_several_errors_are_counted() -> None:
    errors = [error_item(["query", "a"], "Bad.", "x"), error_item(["query", "b"], "Worse", "y")]
    assert validation_failed(errors).detail == "Validation failed (2 errors); query.a: Bad."


class Numbers(BaseModel):
    values: list[int]


def numbers_client() -> TestClient:
    app = App()

    @app.post("/numbers")
    @input(Numbers)
    async def numbers(request, data):
        return {"count": len(data.values)}

    return TestClient(app)


def post_bad_values(count: int) -> Any:
    with numbers_client() as client:
        return client.post("/numbers", json={"values": ["x"] * count}).json()


def test_more_errors_than_the_limit_are_cut_and_counted() -> None:
    with settings.override(VALIDATION_MAX_ERRORS=3):
        body = post_bad_values(5)
    assert len(body["errors"]) == 3
    assert body["detail"] == (
        "Validation failed (5 errors, the first 3 listed); body.values.0: Input should be a "
        "valid integer."
    )


def test_errors_at_the_limit_are_all_listed() -> None:
    with settings.override(VALIDATION_MAX_ERRORS=3):
        body = post_bad_values(3)
    assert len(body["errors"]) == 3
    assert body["detail"].startswith("Validation failed (3 errors); ")


def test_a_limit_of_zero_lists_every_error() -> None:
    with settings.override(VALIDATION_MAX_ERRORS=0):
        body = post_bad_values(2000)
    assert len(body["errors"]) == 2000


def test_the_default_limit_bounds_a_huge_answer() -> None:
    body = post_bad_values(5000)
    assert len(body["errors"]) == 1000
    assert "(5000 errors, the first 1000 listed)" in body["detail"]


class Inner(Schema):
    code = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]+$"))


class Everything(Schema):
    name = fields.String(required=True, data_key="Name")
    email = fields.Email()
    size = fields.Integer(validate=validate.Range(min=1, max=5, max_inclusive=False))
    colour = fields.String(validate=validate.OneOf(["red", "blue"]))
    tags = fields.List(
        fields.String(validate=validate.Length(min=2)), validate=validate.Length(max=2)
    )
    scores = fields.Dict(
        keys=fields.String(validate=validate.Length(max=3)), values=fields.Integer()
    )
    inner = fields.Nested(Inner)
    inners = fields.Nested(Inner, many=True)
    ratio = fields.Float()
    flag = fields.Boolean(allow_none=False)


@pytest.mark.parametrize(
    ("payload", "loc", "type_"),
    [
        ({}, ["body", "Name"], "missing"),
        ({"Name": "a", "nope": 1}, ["body", "nope"], "extra_forbidden"),
        ({"Name": 1}, ["body", "Name"], "string_type"),
        ({"Name": "a", "email": "x"}, ["body", "email"], "value_error"),
        ({"Name": "a", "size": 0}, ["body", "size"], "greater_than_equal"),
        ({"Name": "a", "size": 5}, ["body", "size"], "less_than"),
        ({"Name": "a", "size": "many"}, ["body", "size"], "int_type"),
        ({"Name": "a", "colour": "green"}, ["body", "colour"], "enum"),
        ({"Name": "a", "tags": ["a"]}, ["body", "tags", 0], "string_too_short"),
        ({"Name": "a", "tags": ["ab", "cd", "ef"]}, ["body", "tags"], "too_long"),
        ({"Name": "a", "scores": {"k": "x"}}, ["body", "scores", "k"], "int_type"),
        (
            {"Name": "a", "scores": {"long": 1}},
            ["body", "scores", "long", "[key]"],
            "string_too_long",
        ),
        (
            {"Name": "a", "inner": {"code": "abc"}},
            ["body", "inner", "code"],
            "string_pattern_mismatch",
        ),
        ({"Name": "a", "inner": {}}, ["body", "inner", "code"], "missing"),
        ({"Name": "a", "inners": [{"code": "A"}, {}]}, ["body", "inners", 1, "code"], "missing"),
        ({"Name": "a", "inner": 3}, ["body", "inner"], "model_type"),
        ({"Name": "a", "ratio": "nan"}, ["body", "ratio"], "finite_number"),
        ({"Name": "a", "flag": None}, ["body", "flag"], "bool_type"),
        ([], ["body"], "model_type"),
    ],
)
def test_marshmallow_messages_get_pydantic_types(payload: Any, loc: list[Any], type_: str) -> None:
    app = App()

    @app.post("/everything")
    @input(Everything)
    async def everything(request, data):
        return {"ok": True}

    with TestClient(app) as client:
        response = client.post("/everything", json=payload)
    assert response.status_code == 422
    assert [(error["loc"], error["type"]) for error in response.json()["errors"]] == [(loc, type_)]


def test_a_list_of_marshmallow_items_that_is_not_a_list() -> None:
    app = App()

    @app.post("/many")
    @input(Inner, many=True)
    async def many(request, data):
        return {"count": len(data)}

    with TestClient(app) as client:
        wrong = client.post("/many", json={"code": "A"})
        item = client.post("/many", json=[{"code": "A"}, {"code": "b"}])
    assert wrong.json()["errors"] == [
        {"loc": ["body"], "msg": "Invalid input type.", "type": "list_type"}
    ]
    assert item.json()["errors"] == [
        {
            "loc": ["body", 1, "code"],
            "msg": "String does not match expected pattern.",
            "type": "string_pattern_mismatch",
        }
    ]
