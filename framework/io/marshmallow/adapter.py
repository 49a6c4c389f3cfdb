"""The marshmallow adapter: ``Schema.load`` for input, ``Schema.dump`` for output.

A schema class is instantiated once, when the decorator is applied; an instance is used as
given (``ItemSchema(only=("id",))``). Data read from a query, headers or cookies is loaded
with ``unknown=EXCLUDE`` — those locations carry unrelated keys — while JSON and form bodies
follow the schema's own rule (marshmallow's default refuses unknown fields).
"""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from framework.io.errors import validation_failed
from framework.io.marshmallow.errors import marshmallow_errors
from framework.io.marshmallow.fields import FileField
from framework.io.marshmallow.jsonschema import MarshmallowJSONSchema
from framework.io.schemas import FieldSpec, JSONSchemaRenderer, SchemaAdapter
from framework.web.requests import decode_json
from framework.web.responses import json_bytes

__all__ = ["MarshmallowAdapter"]

_JSON_SCHEMA = MarshmallowJSONSchema()


def _is_file(field: fields.Field[Any]) -> bool:
    if isinstance(field, fields.List):
        return isinstance(field.inner, FileField)
    return isinstance(field, FileField)


class MarshmallowAdapter(SchemaAdapter):
    """Validate and serialise with a marshmallow schema (a class or an instance)."""

    library = "marshmallow"

    def __init__(self, schema: Any, many: bool = False) -> None:
        instance: Schema = schema() if isinstance(schema, type) else schema
        super().__init__(schema, many or bool(instance.many))
        #: The schema instance every request uses (marshmallow schemas are reusable).
        self.instance = instance

    # -- input --------------------------------------------------------------------------------

    def load_json(self, body: bytes) -> Any:
        """Parse the JSON *body* (400 if malformed), then load it (422 if invalid)."""
        return self.load(decode_json(body), "body")

    def load(self, data: Any, where: str, *, exclude_unknown: bool = False) -> Any:
        """Load *data*: the schema's result (a dict, or what ``@post_load`` returns)."""
        try:
            return self.instance.load(
                data, many=self.many, unknown=EXCLUDE if exclude_unknown else None
            )
        except ValidationError as exc:
            errors = marshmallow_errors(exc, self.instance, where, many=self.many)
            raise validation_failed(errors) from None

    def fields(self) -> list[FieldSpec]:
        """Return the loadable fields by the key the schema reads (``data_key`` or name)."""
        return [
            FieldSpec(
                key=field.data_key or name,
                multiple=isinstance(field, fields.List | fields.Tuple),
                required=bool(field.required),
                is_file=_is_file(field),
            )
            for name, field in self.instance.load_fields.items()
        ]

    # -- output -------------------------------------------------------------------------------

    def dump(self, value: Any, many: bool) -> Any:
        """Return *value* dumped by the schema (ORM objects are read by attribute)."""
        return self.instance.dump(value, many=many)

    def dump_json(self, value: Any, many: bool) -> bytes:
        """Return *value* dumped by the schema, as JSON bytes."""
        return json_bytes(self.dump(value, many))

    # -- documentation ------------------------------------------------------------------------

    def json_schema_renderer(self) -> JSONSchemaRenderer:
        """Return the renderer of marshmallow schemas (this framework's own converter)."""
        return _JSON_SCHEMA
