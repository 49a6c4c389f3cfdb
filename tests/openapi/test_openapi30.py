"""OpenAPI 3.0 output: converted from 3.1 correctly, valid for a 3.0 validator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import pytest
from click.testing import CliRunner
from openapi_spec_validator import OpenAPIV30SpecValidator
from pydantic import BaseModel, Field

from framework.cli.app import cli
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.io import input, output
from framework.openapi import generate_openapi
from framework.openapi.downgrade import convert_schema
from framework.testing import TestClient
from framework.web import App, Request
from tests.openapi.test_generator import make_app


class Tag(BaseModel):
    name: str


class Product(BaseModel):
    name: str = Field(examples=["Lamp"])
    price: float = Field(gt=0, lt=10_000)
    note: str | None = None
    tag: Tag | None = None
    kind: Literal["lamp"] = "lamp"
    size: tuple[int, int] = (1, 1)


def build() -> App:
    app = App()

    @app.post("/products")
    @input(Product)
    @output(Product, status_code=201)
    async def create(request: Request, data: Product) -> Product:
        return data

    return app


def walk(value: Any) -> list[dict[str, Any]]:
    """Return every dict inside *value*."""
    found = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def test_the_30_document_validates_and_keeps_the_meaning() -> None:
    document = generate_openapi(build(), version="3.0")
    OpenAPIV30SpecValidator(document).validate()
    assert document["openapi"] == "3.0.3"
    product = document["components"]["schemas"]["Product"]["properties"]
    assert product["price"]["minimum"] == 0 and product["price"]["exclusiveMinimum"] is True
    assert product["price"]["maximum"] == 10_000 and product["price"]["exclusiveMaximum"] is True
    assert product["note"]["nullable"] is True and product["note"]["type"] == "string"
    assert product["tag"] == {
        "nullable": True,
        "allOf": [{"$ref": "#/components/schemas/Tag"}],
        "default": None,
    }
    assert product["name"]["example"] == "Lamp" and "examples" not in product["name"]
    assert product["kind"]["enum"] == ["lamp"]
    assert product["size"]["minItems"] == product["size"]["maxItems"] == 2
    for schema in walk(document):
        assert not isinstance(schema.get("type"), list), schema
        assert "const" not in schema and "prefixItems" not in schema, schema


def test_a_rich_document_converts_and_webhooks_are_listed_not_lost() -> None:
    with settings.override(OPENAPI_INFO={"license": {"name": "MIT", "identifier": "MIT"}}):
        document = generate_openapi(make_app(), version="3.0")
    OpenAPIV30SpecValidator(document).validate()
    assert "webhooks" not in document
    assert document["x-webhooks-omitted"] == ["payment"]
    assert document["info"]["license"] == {"name": "MIT"}


def test_the_setting_chooses_the_served_document() -> None:
    with settings.override(OPENAPI_SPEC_VERSION="3.0"):
        app = build()
        from framework.openapi.views import DocsController

        app.include(DocsController)
        with TestClient(app) as client:
            assert client.get("/openapi.json").json()["openapi"] == "3.0.3"
    with (
        settings.override(OPENAPI_SPEC_VERSION="2.0"),
        pytest.raises(
            ImproperlyConfigured,
            match=r"OPENAPI_SPEC_VERSION must be one of 3\.1, 3\.0; got '2\.0'",
        ),
    ):
        generate_openapi(build())


def test_manage_py_openapi_version_30(demo: Path) -> None:
    result = CliRunner().invoke(cli, ["openapi", "--version", "3.0"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    OpenAPIV30SpecValidator(document).validate()
    assert result.stderr == (
        "OpenAPI 3.0 has no webhooks: left out stock-changed (listed under x-webhooks-omitted).\n"
    )


@pytest.mark.parametrize(
    ("schema", "converted"),
    [
        ({"type": ["integer", "null"]}, {"type": "integer", "nullable": True}),
        ({"type": ["integer", "string"]}, {"anyOf": [{"type": "integer"}, {"type": "string"}]}),
        ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, {"type": "integer", "nullable": True}),
        ({"const": 3}, {"enum": [3]}),
        (
            {"type": "string", "contentMediaType": "image/png"},
            {"type": "string", "format": "binary"},
        ),
        ({"$schema": "x", "type": "object", "$defs": {}}, {"type": "object"}),
    ],
)
def test_schema_conversions(schema: dict[str, Any], converted: dict[str, Any]) -> None:
    assert convert_schema(schema) == converted
