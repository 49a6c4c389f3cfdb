"""Schema adapters: one interface over pydantic models and marshmallow schemas.

``adapter_for(schema)`` recognises the library once, when a decorator is applied, so requests
never ask again. Detection costs nothing for projects without marshmallow: a marshmallow
schema can only exist if ``marshmallow`` is already in ``sys.modules``, so this module never
imports it; everything that is not a marshmallow schema is handed to pydantic (models,
dataclasses, ``TypedDict``, ``list[Model]``…).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = ["FieldSpec", "SchemaAdapter", "adapter_for", "is_marshmallow_schema"]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """A top-level field as a request location sees it."""

    #: Key under which the schema expects the value (alias or ``data_key``, else the name).
    key: str
    #: Whether the field takes several values (``?tag=a&tag=b``): a list, set or tuple.
    multiple: bool
    #: Whether the field must be present.
    required: bool
    #: Whether the field is an uploaded file.
    is_file: bool = False


class SchemaAdapter:
    """Validate and serialise with one schema; subclasses wrap one library each."""

    #: ``"pydantic"`` or ``"marshmallow"``.
    library: ClassVar[str] = ""

    def __init__(self, schema: Any, many: bool = False) -> None:
        #: The schema as the user gave it (a class, an instance or a type).
        self.schema = schema
        #: Whether the body is a list of *schema* items.
        self.many = many

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}{' many' if self.many else ''}>"

    @property
    def name(self) -> str:
        """Return a readable name of the schema, for messages and documentation."""
        schema = self.schema
        target = schema if isinstance(schema, type) else type(schema)
        return getattr(target, "__name__", None) or repr(schema)

    def prepare(self) -> None:
        """Build what validation needs (called when the app is built; forward refs resolved)."""

    def check_json_body(self) -> None:
        """Refuse, when ``@input`` runs, a schema a JSON body would not validate as declared."""

    def load_json(self, body: bytes) -> Any:
        """Parse and validate a JSON *body*; raise a 400 or 422 ``HTTPException``."""
        raise NotImplementedError

    def load(self, data: Any, where: str, *, exclude_unknown: bool = False) -> Any:
        """Validate *data* read from location *where* (``"query"``, ``"body"``…).

        *exclude_unknown* drops keys the schema does not declare instead of applying its
        rule for unknown fields: queries, headers and cookies carry unrelated data.
        """
        raise NotImplementedError

    def dump(self, value: Any, many: bool) -> Any:
        """Return *value* serialised to JSON-compatible Python data."""
        raise NotImplementedError

    def dump_json(self, value: Any, many: bool) -> bytes:
        """Return *value* serialised to JSON bytes."""
        raise NotImplementedError

    def fields(self) -> list[FieldSpec]:
        """Return the top-level fields, for reading queries, headers, cookies and forms."""
        raise NotImplementedError

    def has_files(self) -> bool:
        """Return whether a top-level field is an uploaded file."""
        return any(field.is_file for field in self.fields())


def is_marshmallow_schema(schema: Any) -> bool:
    """Return whether *schema* is a marshmallow ``Schema`` class or instance.

    Never imports marshmallow: if it is not imported yet, no such schema can exist.
    """
    module = sys.modules.get("marshmallow")
    if module is None:
        return False
    base = module.Schema
    return isinstance(schema, base) or (isinstance(schema, type) and issubclass(schema, base))


def adapter_for(schema: Any, *, many: bool = False) -> SchemaAdapter:
    """Return the adapter for *schema*: marshmallow schemas by type, everything else pydantic.

    A marshmallow ``dict``-style schema (``Schema.from_dict``) is a class too. A mapping is
    refused with a hint, since a plain dict is not a schema.
    """
    if isinstance(schema, SchemaAdapter):
        return schema
    if is_marshmallow_schema(schema):
        from framework.io.marshmallow.adapter import MarshmallowAdapter

        return MarshmallowAdapter(schema, many=many)
    if isinstance(schema, Mapping) or schema is None:
        raise TypeError(
            f"{schema!r} is not a schema; pass a pydantic model (class Item(BaseModel)) or a "
            "marshmallow schema (class ItemSchema(Schema) or ItemSchema())."
        )
    from framework.io.pydantic.adapter import PydanticAdapter

    return PydanticAdapter(schema, many=many)
