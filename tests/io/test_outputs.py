"""``@output``: objects, dicts, ORM rows, lists, pages, tuples and ``response.obj``."""

from __future__ import annotations

from typing import Any

import pytest
from marshmallow import Schema, fields
from pydantic import BaseModel, ConfigDict
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from framework.db import Page
from framework.exceptions import ImproperlyConfigured
from framework.io import ResponseValidationError, output
from framework.testing import TestClient
from framework.web import App, JSONResponse, Response


class Base(DeclarativeBase):
    pass


class Book(Base):
    """An ORM class (never stored: objects are enough to be read by attribute)."""

    __tablename__ = "books"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(50))
    secret: Mapped[str] = mapped_column(String(50))


class BookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str


class BookSchema(Schema):
    id = fields.Integer()
    title = fields.String()


SCHEMAS = [BookOut, BookSchema]
IDS = ["pydantic", "marshmallow"]


def book(number: int) -> Book:
    return Book(id=number, title=f"Book {number}", secret="hidden")


def serve(*decorators: Any, result: Any, **client_options: Any) -> TestClient:
    app = App()

    async def handler(request):
        return result() if callable(result) else result

    for decorator in reversed(decorators):
        handler = decorator(handler)
    app.get("/")(handler)
    return TestClient(app, **client_options)


@pytest.mark.parametrize("schema", SCHEMAS, ids=IDS)
def test_an_orm_object_is_read_by_attribute_and_only_declared_fields_leave(schema: Any) -> None:
    with serve(output(schema), result=book(1)) as client:
        response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"id": 1, "title": "Book 1"}


@pytest.mark.parametrize("schema", SCHEMAS, ids=IDS)
def test_a_list_with_many_and_a_status_code(schema: Any) -> None:
    with serve(output(schema, status_code=201, many=True), result=[book(1), book(2)]) as client:
        response = client.get("/")
    assert response.status_code == 201
    assert response.json() == [{"id": 1, "title": "Book 1"}, {"id": 2, "title": "Book 2"}]


@pytest.mark.parametrize("schema", SCHEMAS, ids=IDS)
def test_a_database_page_gets_items_and_pagination_metadata(schema: Any) -> None:
    page = Page(items=[book(3), book(4)], total=5, page=2, per_page=2)
    with serve(output(schema, paginated=True), result=page) as client:
        response = client.get("/")
    assert response.json() == {
        "items": [{"id": 3, "title": "Book 3"}, {"id": 4, "title": "Book 4"}],
        "total": 5,
        "page": 2,
        "per_page": 2,
        "pages": 3,
        "has_next": True,
        "has_prev": True,
    }


@pytest.mark.parametrize("schema", SCHEMAS, ids=IDS)
def test_dicts_and_tuples(schema: Any) -> None:
    result = ({"id": 9, "title": "T", "extra": 1}, 202, {"X-Thing": "yes"})
    with serve(output(schema), result=result) as client:
        response = client.get("/")
    assert response.status_code == 202
    assert response.headers["x-thing"] == "yes"
    assert response.json() == {"id": 9, "title": "T"}


def test_a_response_with_obj_keeps_its_headers_and_cookies() -> None:
    def make() -> Response:
        response = Response(headers={"X-Kept": "1"})
        response.set_cookie("seen", "yes")
        response.obj = book(5)  # type: ignore[attr-defined]
        return response

    with serve(output(BookOut, status_code=201), result=make) as client:
        response = client.get("/")
    assert response.status_code == 201
    assert response.headers["x-kept"] == "1"
    assert response.cookies["seen"] == "yes"
    assert response.json() == {"id": 5, "title": "Book 5"}
    assert response.headers["content-length"] == str(len(response.content))


def test_any_other_response_passes_through() -> None:
    with serve(output(BookOut), result=lambda: JSONResponse({"raw": True}, 418)) as client:
        response = client.get("/")
    assert (response.status_code, response.json()) == (418, {"raw": True})


def test_204_has_no_body() -> None:
    with serve(output(BookOut, status_code=204), result=None) as client:
        response = client.get("/")
    assert response.status_code == 204
    assert response.content == b""


def test_a_value_that_does_not_fit_is_a_server_error_naming_the_fields() -> None:
    with (
        serve(output(BookOut), result={"title": 3}) as client,
        pytest.raises(ResponseValidationError) as caught,
    ):
        client.get("/")
    assert str(caught.value) == (
        "The handler's return value cannot be serialised as BookOut: id: Field required; "
        "title: Input should be a valid string. Return an object (or dict) with those fields, "
        "or fix the @output schema."
    )


def test_a_500_is_answered_without_details() -> None:
    with serve(output(BookOut), result={"title": 3}, raise_server_exceptions=False) as client:
        response = client.get("/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal Server Error", "errors": []}


def test_infinite_floats_become_null_with_pydantic_never_a_500() -> None:
    class Price(BaseModel):
        amount: float

    with serve(output(Price), result={"amount": float("inf")}) as client:
        assert client.get("/").json() == {"amount": None}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status_code": 404}, "@output documents a successful answer (status 100-399); got 404."),
        ({"status_code": "201"}, "@output status_code must be an int; got '201'."),
    ],
)
def test_bad_declarations_fail_at_import(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        output(BookOut, **kwargs)
    assert str(caught.value).startswith(message)


def test_two_outputs_are_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="has two @output decorators"):

        @output(BookOut)
        @output(BookSchema)
        async def handler(request):
            return None
