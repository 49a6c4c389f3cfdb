"""marshmallow schemas as JSON Schema (OpenAPI 3.1), written for this framework.

Fields map to JSON Schema types and formats; validators (``Length``, ``Range``, ``OneOf``,
``Regexp``, ``Equal``) to keywords; ``allow_none`` to a ``null`` alternative; metadata
(``description``, ``title``, ``example``/``examples``) is copied. A schema class becomes a
component named after the class; its two modes (``validation`` leaves out ``dump_only``
fields, ``serialization`` leaves out ``load_only`` fields) share one component when they are
identical; otherwise the input keeps the name and the output is ``Name-Output`` (the
suffix pydantic uses). :class:`MarshmallowJSONSchema` is the marshmallow adapter's
:class:`~framework.io.schemas.JSONSchemaRenderer`.
"""

from __future__ import annotations

import enum
import inspect
from collections.abc import Sequence
from typing import Any

from marshmallow import RAISE, Schema, fields, validate

from framework.io.marshmallow.fields import FileField
from framework.io.schemas import ComponentRegistry, SchemaAdapter
from framework.io.schemas import JSONSchemaMode as Mode

__all__ = ["MarshmallowConverter", "MarshmallowJSONSchema"]
_SIMPLE: list[tuple[type[fields.Field[Any]], dict[str, Any]]] = [
    (FileField, {"type": "string", "format": "binary"}),
    (fields.Email, {"type": "string", "format": "email"}),
    (fields.Url, {"type": "string", "format": "uri"}),
    (fields.UUID, {"type": "string", "format": "uuid"}),
    (fields.String, {"type": "string"}),
    (fields.Boolean, {"type": "boolean"}),
    (fields.Integer, {"type": "integer"}),
    (fields.Number, {"type": "number"}),
    (fields.DateTime, {"type": "string", "format": "date-time"}),
    (fields.Date, {"type": "string", "format": "date"}),
    (fields.Time, {"type": "string", "format": "time"}),
    (fields.TimeDelta, {"type": "number"}),
    (fields.IPv4, {"type": "string", "format": "ipv4"}),
    (fields.IPv6, {"type": "string", "format": "ipv6"}),
    (fields.IP, {"type": "string"}),
]
_SUFFIX = {"validation": "Input", "serialization": "Output"}


def _customised(schema: Schema) -> bool:
    """Return whether an instance differs from its class (``only``, ``exclude``…)."""
    return bool(
        schema.only or schema.exclude or schema.partial or schema.load_only or schema.dump_only
    )


class MarshmallowJSONSchema:
    """Render the marshmallow schemas of a document, inputs first.

    A schema's input keeps the plain name; an output that differs from it is ``-Output``.
    """

    names_components = False

    def render(
        self, wanted: Sequence[tuple[SchemaAdapter, Mode]], registry: ComponentRegistry
    ) -> list[dict[str, Any]]:
        """Return a ``$ref`` (or an inline schema) for each ``(adapter, mode)`` of *wanted*."""
        converter = MarshmallowConverter(registry)
        results: list[dict[str, Any]] = [{} for _ in wanted]
        inputs_first = sorted(
            range(len(wanted)), key=lambda index: wanted[index][1] != "validation"
        )
        for index in inputs_first:
            adapter, mode = wanted[index]
            results[index] = converter.reference(adapter.schema, mode)
        return results


class MarshmallowConverter:
    """Turn marshmallow schemas into components of a document's registry."""

    def __init__(self, registry: ComponentRegistry) -> None:
        self.registry = registry
        self._names: dict[tuple[type[Schema], str], str] = {}
        self._referenced: set[str] = set()

    def reference(self, schema: Schema | type[Schema], mode: Mode) -> dict[str, Any]:
        """Return a ``$ref`` to *schema*'s component (inline when the instance is customised)."""
        instance = schema() if isinstance(schema, type) else schema
        if _customised(instance):
            return self.object_schema(instance, mode)
        cls = type(instance)
        name = self._names.get((cls, mode))
        if name is None:
            name = self._define(cls, instance, mode)
        self._referenced.add(name)
        return {"$ref": f"#/components/schemas/{name}"}

    def _define(self, cls: type[Schema], instance: Schema, mode: Mode) -> str:
        other_mode = "serialization" if mode == "validation" else "validation"
        other = self._names.get((cls, other_mode))
        wanted = cls.__name__ if other is None else f"{cls.__name__}-{_SUFFIX[mode]}"
        name = self.registry.add_component(wanted, {})  # reserved: recursive schemas use it
        self._names[(cls, mode)] = name
        body = self.object_schema(instance, mode)
        alike = other is not None and self.registry.components.get(other) == body
        if other is not None and alike and name not in self._referenced:  # one component
            del self.registry.components[name]
            self._names[(cls, mode)] = other
            return other
        self.registry.components[name] = body
        return name

    def object_schema(self, schema: Schema, mode: Mode) -> dict[str, Any]:
        """Return the JSON Schema object of *schema* in *mode*."""
        properties: dict[str, Any] = {}
        required = []
        for name, field in schema.fields.items():
            if (mode == "validation" and field.dump_only) or (
                mode == "serialization" and field.load_only
            ):
                continue
            key = field.data_key or name
            properties[key] = self.field_schema(field, mode)
            if field.required:
                required.append(key)
        result: dict[str, Any] = {"type": "object", "title": type(schema).__name__}
        doc = type(schema).__dict__.get("__doc__")
        if doc:  # the class's own docstring, as pydantic does
            result["description"] = inspect.cleandoc(doc)
        result["properties"] = properties
        if required:
            result["required"] = required
        if schema.unknown == RAISE:  # unknown keys refused on load, never produced on dump
            result["additionalProperties"] = False
        return result

    def field_schema(self, field: fields.Field[Any], mode: Mode) -> dict[str, Any]:
        """Return the JSON Schema of one field (type, validators, null, metadata, default)."""
        schema = self._base(field, mode)
        for validator in field.validators:
            _apply_validator(schema, validator)
        _apply_metadata(schema, field, mode)
        if field.allow_none:
            schema = _nullable(schema)
        return schema

    def _base(self, field: fields.Field[Any], mode: Mode) -> dict[str, Any]:
        if isinstance(field, fields.Nested):
            return self._nested(field, mode)
        if isinstance(field, fields.Pluck):
            inner = self.field_schema(field.schema.fields[field.field_name], mode)
            return {"type": "array", "items": inner} if field.many else inner
        if isinstance(field, fields.List):
            return {"type": "array", "items": self.field_schema(field.inner, mode)}
        if isinstance(field, fields.Tuple):
            items = [self.field_schema(inner, mode) for inner in field.tuple_fields]
            size = len(items)
            return {"type": "array", "prefixItems": items, "minItems": size, "maxItems": size}
        if isinstance(field, fields.Mapping):
            values = field.value_field
            extra = self.field_schema(values, mode) if values is not None else {}
            return {"type": "object", "additionalProperties": extra}
        if isinstance(field, fields.Enum):
            return _enum_schema(field)
        if isinstance(field, fields.Constant):
            return {"const": field.constant}
        if isinstance(field, fields.Decimal) and field.as_string:
            return {"type": "string", "format": "decimal"}
        for cls, schema in _SIMPLE:
            if isinstance(field, cls):
                return dict(schema)
        return {}

    def _nested(self, field: fields.Nested, mode: Mode) -> dict[str, Any]:
        target = self.reference(field.schema, mode)
        return {"type": "array", "items": target} if field.many else target


def _enum_schema(field: fields.Enum[enum.Enum]) -> dict[str, Any]:
    members = list(field.enum)
    if field.by_value:
        values = [member.value for member in members]
    else:
        values = [member.name for member in members]
    return {"enum": values}


def _apply_validator(schema: dict[str, Any], validator: Any) -> None:
    is_string = schema.get("type") == "string"
    if isinstance(validator, validate.Length):
        low, high = ("minLength", "maxLength") if is_string else ("minItems", "maxItems")
        if validator.equal is not None:
            schema[low] = schema[high] = validator.equal
        if validator.min is not None:
            schema[low] = validator.min
        if validator.max is not None:
            schema[high] = validator.max
    elif isinstance(validator, validate.Range):
        if validator.min is not None:
            schema["minimum" if validator.min_inclusive else "exclusiveMinimum"] = validator.min
        if validator.max is not None:
            schema["maximum" if validator.max_inclusive else "exclusiveMaximum"] = validator.max
    elif isinstance(validator, validate.OneOf):
        schema["enum"] = list(validator.choices)
    elif isinstance(validator, validate.Regexp):
        schema["pattern"] = validator.regex.pattern
    elif isinstance(validator, validate.Equal):
        schema["const"] = validator.comparable


def _apply_metadata(schema: dict[str, Any], field: fields.Field[Any], mode: Mode) -> None:
    metadata = field.metadata
    for key in ("title", "description", "deprecated"):
        if key in metadata:
            schema[key] = metadata[key]
    if "description" not in schema and isinstance(field, FileField) and field.description:
        schema["description"] = f"A file ({field.description})."
    if "examples" in metadata:
        schema["examples"] = list(metadata["examples"])
    elif "example" in metadata:
        schema["examples"] = [metadata["example"]]
    default = field.load_default if mode == "validation" else field.dump_default
    if not callable(default) and _is_json(default):
        schema["default"] = default


def _is_json(value: Any) -> bool:
    if value is None:
        return False  # no default, or marshmallow's ``missing``-like sentinels
    if isinstance(value, bool | int | float | str):
        return True
    if isinstance(value, list | tuple):
        return all(_is_json(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _is_json(item) for key, item in value.items())
    return False


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    kind = schema.get("type")
    if isinstance(kind, str) and "$ref" not in schema:
        return {**schema, "type": [kind, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}
