"""Convert an OpenAPI 3.1 document to OpenAPI 3.0.3, for tools that read only 3.0.

OpenAPI 3.1 schemas are JSON Schema 2020-12; 3.0 has its own dialect. What changes:

* ``type: [T, "null"]`` and ``anyOf: [X, {type: null}]`` become ``nullable: true`` (a
  ``$ref`` is wrapped in ``allOf``, since 3.0 ignores a ``$ref``'s siblings); other type
  lists become ``anyOf``;
* numeric ``exclusiveMinimum``/``exclusiveMaximum`` become ``minimum``/``maximum`` with the
  boolean flags; ``const`` becomes a one-value ``enum``; a schema's ``examples`` list becomes
  its first ``example``; ``prefixItems`` become ``items`` of any of them;
* ``contentMediaType``/``contentEncoding`` of a file become ``format: binary``/``byte``;
* keywords 3.0 does not know (``$schema``, ``$id``, ``$defs``, ``if``…) are dropped;
* ``webhooks`` do not exist in 3.0: they are left out, and the document lists their names
  under ``x-webhooks-omitted`` (a 3.0 extension) so nothing disappears silently;
* ``info.summary`` and a license ``identifier`` (3.1 only) are dropped.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["SPEC_VERSIONS", "to_openapi_30"]

#: The OpenAPI versions the generator writes, by the name settings and the CLI use.
SPEC_VERSIONS = {"3.1": "3.1.0", "3.0": "3.0.3"}

_DROPPED = frozenset(
    {
        "$schema",
        "$id",
        "$anchor",
        "$defs",
        "$comment",
        "if",
        "then",
        "else",
        "dependentRequired",
        "dependentSchemas",
        "unevaluatedProperties",
        "unevaluatedItems",
        "propertyNames",
        "contains",
        "minContains",
        "maxContains",
        "contentSchema",
    }
)
_NESTED_ONE = ("items", "additionalProperties", "not")
_NESTED_MANY = ("allOf", "anyOf", "oneOf")


def to_openapi_30(document: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of the 3.1 *document* written as OpenAPI 3.0.3."""
    converted = copy.deepcopy(document)
    converted["openapi"] = SPEC_VERSIONS["3.0"]
    info = converted.get("info", {})
    info.pop("summary", None)
    if isinstance(info.get("license"), dict):
        info["license"].pop("identifier", None)
    webhooks = converted.pop("webhooks", None)
    if webhooks:
        converted["x-webhooks-omitted"] = sorted(webhooks)
    components = converted.get("components", {})
    components.pop("pathItems", None)
    for name, schema in list(components.get("schemas", {}).items()):
        components["schemas"][name] = convert_schema(schema)
    for item in converted.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict):
                _convert_operation(operation)
    return converted


def _convert_operation(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", ()):
        if "schema" in parameter:
            parameter["schema"] = convert_schema(parameter["schema"])
    body = operation.get("requestBody")
    if isinstance(body, dict):
        _convert_content(body)
    for response in operation.get("responses", {}).values():
        _convert_content(response)
        for header in response.get("headers", {}).values():
            if "schema" in header:
                header["schema"] = convert_schema(header["schema"])


def _convert_content(holder: dict[str, Any]) -> None:
    for media in holder.get("content", {}).values():
        if "schema" in media:
            media["schema"] = convert_schema(media["schema"])


def convert_schema(schema: Any) -> Any:
    """Return the OpenAPI 3.0 form of one JSON Schema 2020-12 *schema*."""
    if not isinstance(schema, dict):
        return schema
    schema = {key: value for key, value in schema.items() if key not in _DROPPED}
    for key in _NESTED_ONE:
        if isinstance(schema.get(key), dict):
            schema[key] = convert_schema(schema[key])
    for key in _NESTED_MANY:
        if isinstance(schema.get(key), list):
            schema[key] = [convert_schema(item) for item in schema[key]]
    if isinstance(schema.get("properties"), dict):
        schema["properties"] = {k: convert_schema(v) for k, v in schema["properties"].items()}
    _keywords(schema)
    _types(schema)
    return _nullable_any_of(schema)


def _keywords(schema: dict[str, Any]) -> None:
    """Rewrite the value keywords whose meaning changed between the two dialects."""
    for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = schema.get(exclusive)
        if isinstance(value, int | float) and not isinstance(value, bool):
            schema[bound] = value
            schema[exclusive] = True
    if "const" in schema:
        schema["enum"] = [schema.pop("const")]
    examples = schema.pop("examples", None)
    if isinstance(examples, list) and examples and "example" not in schema:
        schema["example"] = examples[0]
    prefix = schema.pop("prefixItems", None)
    if isinstance(prefix, list) and prefix:
        items = [convert_schema(item) for item in prefix]
        schema["items"] = items[0] if len(items) == 1 else {"anyOf": items}
        schema.setdefault("minItems", len(items))
        schema.setdefault("maxItems", len(items))
    encoding = schema.pop("contentEncoding", None)
    if schema.pop("contentMediaType", None) is not None or encoding is not None:
        schema.setdefault("type", "string")
        schema.setdefault("format", "byte" if encoding == "base64" else "binary")


def _types(schema: dict[str, Any]) -> None:
    """Turn a list of types into ``nullable`` and, if still several, ``anyOf``."""
    kinds = schema.get("type")
    if not isinstance(kinds, list):
        if kinds == "null":
            del schema["type"]
            schema["nullable"] = True
            schema["enum"] = [None]
        return
    others = [kind for kind in kinds if kind != "null"]
    if len(others) < len(kinds):
        schema["nullable"] = True
    if len(others) == 1:
        schema["type"] = others[0]
    else:
        del schema["type"]
        if others:
            schema["anyOf"] = [{"type": kind} for kind in others]


def _nullable_any_of(schema: dict[str, Any]) -> dict[str, Any]:
    """Turn ``anyOf: [X, {nullable, enum: [null]}]`` (from ``type: null``) into nullable X."""
    for key in ("anyOf", "oneOf"):
        options = schema.get(key)
        if not isinstance(options, list):
            continue
        nulls = [o for o in options if o == {"nullable": True, "enum": [None]}]
        if not nulls:
            continue
        rest = [o for o in options if o not in nulls]
        del schema[key]
        schema["nullable"] = True
        if len(rest) == 1:
            only = rest[0]
            if "$ref" in only:
                schema["allOf"] = [only]  # 3.0 ignores a $ref's siblings: wrap it
            else:
                merged = {**only, **schema}
                return merged
        elif rest:
            schema[key] = rest
    return schema
