"""JSON bodies are validated strictly by default, so the OpenAPI document matches the wire.

The document says ``integer``; a client sending ``"3"`` or ``false`` is told so (422) instead of
having it coerced. A schema that states its own strictness (``ConfigDict(strict=False)``) is
validated as it says; query strings, forms and headers are text and stay lax.
"""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field

from framework.io import input
from framework.openapi import generate_openapi
from framework.testing import TestClient
from framework.web import App


class Order(BaseModel):
    count: int
    note: str = ""


class LaxOrder(BaseModel):
    model_config = ConfigDict(strict=False)  # the documented opt-out

    count: int


class Line(BaseModel):
    quantity: int


class Basket(BaseModel):
    lines: list[Line]


def build() -> App:
    app = App()

    @app.post("/orders")
    @input(Order)
    async def create(request, data):
        return {"count": data.count}

    @app.post("/lax")
    @input(LaxOrder)
    async def lax(request, data):
        return {"count": data.count}

    @app.post("/baskets")
    @input(Basket)
    async def basket(request, data):
        return {"lines": len(data.lines)}

    @app.get("/search")
    @input(Order, location="query")
    async def search(request, query):
        return {"count": query.count}

    return app


@pytest.mark.parametrize("value", ["3", False, 3.0, "true"], ids=repr)
def test_a_json_body_is_strict_by_default(value: object) -> None:
    with TestClient(build()) as client:
        refused = client.post("/orders", json={"count": value})
        nested = client.post("/baskets", json={"lines": [{"quantity": value}]})
        assert client.post("/orders", json={"count": 3}).json() == {"count": 3}
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "count"]
    assert nested.status_code == 422


def test_the_document_says_what_the_wire_accepts() -> None:
    document = generate_openapi(build())
    order = document["components"]["schemas"]["Order"]
    assert order["properties"]["count"] == {"title": "Count", "type": "integer"}


def test_a_schema_that_states_its_strictness_keeps_it() -> None:
    with TestClient(build()) as client:
        assert client.post("/lax", json={"count": "3"}).json() == {"count": 3}
        assert client.get("/search?count=3").json() == {"count": 3}  # text: converted


def test_a_field_strictness_the_body_would_override_is_refused() -> None:
    class Mixed(BaseModel):
        count: int = Field(strict=False)

    with pytest.raises(TypeError) as caught:
        input(Mixed)
    assert str(caught.value) == (
        "Mixed.count declares strict=False, but JSON bodies are validated strictly unless the "
        "schema says otherwise: give Mixed model_config = ConfigDict(strict=False) (and "
        "strict=True on the fields that must stay strict)."
    )
