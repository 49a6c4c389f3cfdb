"""marshmallow fields as JSON Schema."""

from __future__ import annotations

import enum
from typing import Any

import pytest
from marshmallow import Schema, fields, validate

from framework.io.marshmallow import FileField
from framework.io.marshmallow.jsonschema import MarshmallowConverter
from framework.openapi import SchemaRegistry


class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Child(Schema):
    name = fields.String()


@pytest.mark.parametrize(
    ("field", "schema"),
    [
        (fields.String(), {"type": "string"}),
        (fields.Email(), {"type": "string", "format": "email"}),
        (fields.Url(), {"type": "string", "format": "uri"}),
        (fields.UUID(), {"type": "string", "format": "uuid"}),
        (
            fields.Integer(validate=validate.Range(1, 5)),
            {"type": "integer", "minimum": 1, "maximum": 5},
        ),
        (
            fields.Float(validate=validate.Range(0, 1, min_inclusive=False, max_inclusive=False)),
            {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        ),
        (fields.Decimal(as_string=True), {"type": "string", "format": "decimal"}),
        (fields.Boolean(), {"type": "boolean"}),
        (fields.DateTime(), {"type": "string", "format": "date-time"}),
        (fields.Date(), {"type": "string", "format": "date"}),
        (
            fields.String(validate=validate.Length(2, 9)),
            {"type": "string", "minLength": 2, "maxLength": 9},
        ),
        (
            fields.String(validate=validate.OneOf(["a", "b"])),
            {"type": "string", "enum": ["a", "b"]},
        ),
        (fields.String(validate=validate.Regexp("^x+$")), {"type": "string", "pattern": "^x+$"}),
        (fields.String(allow_none=True), {"type": ["string", "null"]}),
        (
            fields.List(fields.Integer(), validate=validate.Length(max=3)),
            {"type": "array", "items": {"type": "integer"}, "maxItems": 3},
        ),
        (
            fields.Tuple((fields.String(), fields.Integer())),
            {
                "type": "array",
                "prefixItems": [{"type": "string"}, {"type": "integer"}],
                "minItems": 2,
                "maxItems": 2,
            },
        ),
        (
            fields.Dict(values=fields.Integer()),
            {"type": "object", "additionalProperties": {"type": "integer"}},
        ),
        (fields.Enum(Colour, by_value=True), {"enum": ["red", "blue"]}),
        (fields.Enum(Colour), {"enum": ["RED", "BLUE"]}),
        (fields.Constant(3), {"const": 3, "default": 3}),
        (fields.Raw(), {}),
        (fields.Nested(Child), {"$ref": "#/components/schemas/Child"}),
        (
            fields.Nested(Child, many=True, allow_none=True),
            {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/Child"}},
        ),
        (
            fields.Nested(Child, only=("name",)),
            {
                "type": "object",
                "title": "Child",
                "properties": {"name": {"type": "string"}},
                "additionalProperties": False,
            },
        ),
        (
            FileField(max_size=10, allowed_extensions=["png"]),
            {
                "type": "string",
                "format": "binary",
                "description": "A file (at most 10 bytes; extensions: png).",
            },
        ),
        (
            fields.Integer(load_default=1, metadata={"description": "Page", "example": 2}),
            {"type": "integer", "description": "Page", "examples": [2], "default": 1},
        ),
    ],
)
def test_fields(field: Any, schema: dict[str, Any]) -> None:
    converter = MarshmallowConverter(SchemaRegistry())
    assert converter.field_schema(field, "validation") == schema


def test_a_self_referencing_schema_points_at_itself() -> None:
    class Tree(Schema):
        name = fields.String()
        children = fields.List(fields.Nested(lambda: Tree()))

    registry = SchemaRegistry()
    reference = MarshmallowConverter(registry).reference(Tree, "validation")
    assert reference == {"$ref": "#/components/schemas/Tree"}
    assert registry.components["Tree"]["properties"]["children"]["items"] == reference
