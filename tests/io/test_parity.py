"""One endpoint written with pydantic and with marshmallow behaves and documents the same."""

from __future__ import annotations

from typing import Any

import pytest

from framework.io import expect, input, output
from framework.openapi import generate_openapi
from framework.testing import TestClient
from framework.web import App
from tests.io.schemas import ItemModel, ItemSchema, PagingModel, PagingSchema

VARIANTS = {"pydantic": (ItemModel, PagingModel), "marshmallow": (ItemSchema, PagingSchema)}
REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("post", "/items?page=2", {"json": {"name": "pen", "price": 2, "tags": ["a"]}}),
    ("post", "/items", {"json": {"name": "pen", "price": 2}}),
    ("post", "/items", {"json": {"name": "pen" * 5, "price": -1, "extra": True}}),
    ("post", "/items", {"json": {}}),
    ("post", "/items?page=0", {"json": {"name": "pen", "price": 2}}),
    ("post", "/items", {"content": b"{", "headers": {"content-type": "application/json"}}),
    ("post", "/items", {"content": b"{}", "headers": {"content-type": "text/plain"}}),
    ("post", "/items", {"content": b"[" * 50_000, "headers": {"content-type": "application/json"}}),
]


def build(library: str) -> App:
    item, paging = VARIANTS[library]
    app = App()

    @app.post("/items")
    @input(item)
    @input(paging, location="query")
    @output(item, status_code=201)
    @expect({409: "Already exists"})
    async def create(request, data, query):
        """Create an item
        ---
        Echo it back.
        """
        return data

    return app


def outcome(app: App) -> list[tuple[int, Any]]:
    results = []
    with TestClient(app) as client:
        for method, url, options in REQUESTS:
            response = getattr(client, method)(url, **options)
            body = response.json()
            if isinstance(body, dict) and "errors" in body:
                body = [(error["loc"], error["type"]) for error in body["errors"]]
            results.append((response.status_code, body))
    return results


def test_both_libraries_answer_every_request_alike() -> None:
    pydantic, marshmallow = outcome(build("pydantic")), outcome(build("marshmallow"))
    assert [status for status, _ in pydantic] == [201, 201, 422, 422, 422, 400, 415, 400]
    for (p_status, p_body), (m_status, m_body) in zip(pydantic, marshmallow, strict=True):
        assert p_status == m_status
        if p_status == 422:  # float_parsing vs float_type is the only allowed difference
            assert [loc for loc, _ in p_body] == [loc for loc, _ in m_body]
        else:
            assert p_body == m_body


def normalise(schema: Any, components: dict[str, Any]) -> Any:
    """Return *schema* with references inlined; titles, descriptions and defaults dropped."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return normalise(components[schema["$ref"].rsplit("/", 1)[1]], components)
        return {
            key: normalise(value, components)
            for key, value in schema.items()
            if key not in ("title", "default", "description") or not isinstance(value, str | list)
        }
    if isinstance(schema, list):
        return [normalise(item, components) for item in schema]
    return schema


@pytest.mark.parametrize("part", ["parameters", "requestBody", "responses", "summary"])
def test_both_libraries_document_the_operation_alike(part: str) -> None:
    documents = [generate_openapi(build(library)) for library in VARIANTS]
    operations = [
        normalise(doc["paths"]["/items"]["post"][part], doc["components"]["schemas"])
        for doc in documents
    ]
    assert operations[0] == operations[1]
