"""marshmallow's nested error messages in the common ``{"loc", "msg", "type"}`` format.

marshmallow reports ``{"name": ["Missing data for required field."], "tags": {0: [...]}}``
without machine-readable types. This module walks the messages alongside the schema, finds
the field (and validator) behind each message, and names the error with the type pydantic
uses for the same problem (``missing``, ``extra_forbidden``, ``string_too_long``,
``greater_than_equal``…), so clients handle both libraries alike. It runs only when
validation fails.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from framework.io.errors import ErrorItem, error_item
from framework.io.marshmallow.fields import FileField

__all__ = ["field_kind", "marshmallow_errors"]

#: Field classes by the word pydantic uses for their type, most specific first.
_KINDS: list[tuple[type[fields.Field[Any]], str]] = [
    (FileField, "file"),
    (fields.Email, "email"),
    (fields.Url, "url"),
    (fields.UUID, "uuid"),
    (fields.String, "string"),
    (fields.Boolean, "bool"),
    (fields.Integer, "int"),
    (fields.Decimal, "decimal"),
    (fields.Number, "float"),
    (fields.DateTime, "datetime"),
    (fields.Date, "date"),
    (fields.Time, "time"),
    (fields.TimeDelta, "timedelta"),
    (fields.List, "list"),
    (fields.Tuple, "tuple"),
    (fields.Mapping, "dict"),
    (fields.Nested, "model"),
    (fields.Enum, "enum"),
]
_KEY_TYPES = {
    "required": "missing",
    "validator_failed": "value_error",
    "special": "finite_number",
    "too_large": "value_error",
    "invalid_utf8": "string_unicode",
}
_FILE_TYPES = {"file": "file_type", "too_large": "file_too_large", "extension": "file_extension"}


def field_kind(field: fields.Field[Any] | None) -> str:
    """Return the pydantic word for *field*'s type (``"int"``, ``"string"``…)."""
    for cls, kind in _KINDS:
        if isinstance(field, cls):
            return kind
    return "value"


def marshmallow_errors(
    exc: ValidationError, schema: Schema, where: str, *, many: bool = False
) -> list[ErrorItem]:
    """Return the errors of *exc*, raised by *schema* (loading a list if *many*), under *where*."""
    return list(_walk(exc.messages, schema, exc.data, [where], many))


def _walk(
    messages: Any, context: Any, data: Any, loc: list[str | int], many: bool = False
) -> Iterator[ErrorItem]:
    """Yield one error per message; *context* is the schema or field the messages belong to."""
    if isinstance(messages, str):
        yield error_item(loc, messages, _type_of(context, messages, data))
    elif isinstance(messages, list):
        for message in messages:
            yield from _walk(message, context, data, loc)
    elif isinstance(messages, Mapping):
        for key, value in messages.items():
            if key == "_schema":
                yield from _walk(value, _LIST if many else _schema_type(context), data, loc)
                continue
            child, child_data, child_many = _child(context, key, data, many)
            yield from _walk(value, child, child_data, [*loc, *_key_loc(context, key)], child_many)


def _key_loc(context: Any, key: Any) -> list[str | int]:
    if isinstance(context, fields.Mapping):
        return [] if key == "value" else (["[key]"] if key == "key" else [key])
    return [key]


def _child(context: Any, key: Any, data: Any, many: bool) -> tuple[Any, Any, bool]:
    """Return the schema or field under *key* of *context*, the data there, and many-ness."""
    value = _index(data, key)
    if many:  # a list of items, each validated by *context*
        return context, value, False
    if isinstance(context, Schema):
        field = _field_by_key(context, key)
        return (field if field is not None else _UNKNOWN), value, False
    if isinstance(context, fields.Nested):
        nested = context.schema
        if context.many and isinstance(key, int):
            return nested, value, False
        return _child(nested, key, data, False)
    if isinstance(context, fields.List):
        return context.inner, value, False
    if isinstance(context, fields.Tuple) and isinstance(key, int):
        inner = context.tuple_fields[key] if key < len(context.tuple_fields) else None
        return inner, value, False
    if isinstance(context, fields.Mapping):
        if isinstance(data, _Entry) and key in ("key", "value"):
            field = context.key_field if key == "key" else context.value_field
            return field, data.key if key == "key" else data.value, False
        return context, _Entry(key, value), False
    return None, value, False


def _field_by_key(schema: Schema, key: Any) -> fields.Field[Any] | None:
    for name, field in schema.fields.items():
        if (field.data_key or name) == key:
            return field
    return None


class _Entry:
    """One item of a dict being validated: its key and its value."""

    def __init__(self, key: Any, value: Any) -> None:
        self.key = key
        self.value = value


def _index(data: Any, key: Any) -> Any:
    try:
        return data[key]
    except (KeyError, IndexError, TypeError):
        return None


class _Unknown:
    """Stands for a key the schema does not declare."""


_UNKNOWN = _Unknown()


class _ListLevel:
    """Stands for a list of items (``many=True``) that is not a list."""


_LIST = _ListLevel()


def _schema_type(context: Any) -> Any:
    return _SchemaLevel() if isinstance(context, Schema | fields.Nested) else context


class _SchemaLevel:
    """Stands for the schema itself (``_schema`` messages: wrong type, schema validators)."""


def _template_matches(template: Any, message: str) -> bool:
    if not isinstance(template, str):
        return False
    pattern = re.escape(template)
    pattern = re.sub(r"\\\{[^}]*\\\}", ".*", pattern)
    return re.fullmatch(pattern, message, re.DOTALL) is not None


def _type_of(context: Any, message: str, value: Any) -> str:
    if isinstance(context, _Unknown):
        return "extra_forbidden"
    if isinstance(context, _ListLevel):
        return "list_type"
    if isinstance(context, _SchemaLevel):
        return "model_type" if message == "Invalid input type." else "value_error"
    if not isinstance(context, fields.Field):
        return "value_error"
    kind = field_kind(context)
    for key, template in context.error_messages.items():
        if _template_matches(template, message):
            if kind == "file" and key in _FILE_TYPES:
                return _FILE_TYPES[key]
            if key in ("invalid", "null", "format", "invalid_awareness"):
                return "value_error" if kind == "email" else f"{kind}_type"
            return _KEY_TYPES.get(key, "value_error")
    with contextlib.suppress(Exception):  # validators saw "0" from a query string as 0
        value = context._deserialize(value, None, None)
    for validator in context.validators:
        found = _validator_type(validator, kind, value, message)
        if found is not None:
            return found
    return "value_error"


def _validator_type(validator: Any, kind: str, value: Any, message: str) -> str | None:
    """Return the type of *validator*'s error if it produced *message* for *value*."""
    try:
        validator(value)
    except ValidationError as exc:
        if message not in (exc.messages if isinstance(exc.messages, list) else [exc.messages]):
            return None
    except Exception:  # a validator that cannot even look at the value is not the one
        return None
    else:
        return None
    prefix = "string_" if kind == "string" else ""
    if isinstance(validator, validate.Length):
        size = len(value) if hasattr(value, "__len__") else 0
        short = validator.min is not None and size < validator.min
        return f"{prefix}too_short" if short else f"{prefix}too_long"
    if isinstance(validator, validate.Range):
        return _range_type(validator, value)
    if isinstance(validator, validate.OneOf):
        return "enum"
    if isinstance(validator, validate.Regexp):
        return "string_pattern_mismatch"
    return "value_error"


def _range_type(validator: validate.Range, value: Any) -> str:
    low = validator.min
    try:
        under = low is not None and (value < low or (value == low and not validator.min_inclusive))
    except TypeError:
        under = False
    if under:
        return "greater_than_equal" if validator.min_inclusive else "greater_than"
    return "less_than_equal" if validator.max_inclusive else "less_than"
