"""The demo project's document: valid OpenAPI 3.1, with both libraries side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from openapi_spec_validator import validate

from framework.cli import call_command
from framework.cli.app import cli
from framework.openapi import generate_openapi
from framework.web import get_asgi_application


@pytest.fixture
def document(demo: Path) -> dict[str, Any]:
    return generate_openapi(get_asgi_application())


def test_the_demo_document_validates(document: dict[str, Any]) -> None:
    validate(document)
    assert document["info"]["title"] == "Catalog"


def test_the_authentication_of_the_demo_is_documented(document: dict[str, Any]) -> None:
    schemes = document["components"].get("securitySchemes", {})
    secured = [
        (path, method)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if operation.get("security")
    ]
    assert schemes and secured
    for path, method in secured:
        for requirement in document["paths"][path][method]["security"]:
            assert set(requirement) <= set(schemes)


def test_pydantic_and_marshmallow_schemas_are_components_of_one_document(
    document: dict[str, Any],
) -> None:
    schemas = document["components"]["schemas"]
    assert {"ProductIn", "ProductOut", "ReviewSchema", "AttachmentSchema"} <= set(schemas)
    assert schemas["ImageUpload"]["properties"]["image"]["format"] == "binary"
    assert schemas["AttachmentSchema"]["properties"]["document"]["format"] == "binary"
    assert list(document["webhooks"]) == ["stock-changed"]
    tags = [tag["name"] for tag in document["tags"]]
    assert {"Product", "Review", "Warehouse"} <= set(tags)


def test_manage_py_openapi_prints_json_and_writes_yaml(demo: Path) -> None:
    result = CliRunner().invoke(cli, ["openapi"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    validate(printed)
    target = demo / "openapi.yaml"
    call_command("openapi", output_format="yaml", output_path=target)
    assert yaml.safe_load(target.read_text()) == printed


def test_manage_py_openapi_refuses_an_unknown_format(demo: Path) -> None:
    result = CliRunner().invoke(cli, ["openapi", "--format", "xml"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: Invalid value for '--format': 'xml' is not one of 'json', 'yaml'.\n"
    )
