"""``adapter_for(schema)``: the schema adapter of a pydantic model or a marshmallow schema.

The library is recognised once, when a decorator is applied, so requests never ask again.
Detection costs nothing for projects without marshmallow: a marshmallow schema can only exist
if ``marshmallow`` is already in ``sys.modules``, so this module never imports it; everything
that is not a marshmallow schema is handed to pydantic (models, dataclasses, ``TypedDict``,
``list[Model]``…).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from framework.io.schemas import SchemaAdapter

__all__ = ["adapter_for", "is_marshmallow_schema"]


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
