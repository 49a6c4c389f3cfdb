"""The same schemas written with pydantic and with marshmallow, for tests that compare them."""

from __future__ import annotations

from marshmallow import Schema, fields, validate
from pydantic import BaseModel, ConfigDict, Field


class ItemModel(BaseModel):
    """An item (pydantic)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=10)
    price: float = Field(ge=0)
    tags: list[str] = []


class ItemSchema(Schema):
    """An item (marshmallow)."""

    name = fields.String(required=True, validate=validate.Length(max=10))
    price = fields.Float(required=True, validate=validate.Range(min=0))
    tags = fields.List(fields.String(), load_default=list)


class PagingModel(BaseModel):
    """Paging parameters (pydantic)."""

    page: int = Field(1, ge=1)
    tag: list[str] = []


class PagingSchema(Schema):
    """Paging parameters (marshmallow)."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    tag = fields.List(fields.String(), load_default=list)


def as_dict(value: object) -> dict[str, object]:
    """Return validated data as a dict, whichever library produced it."""
    dump = getattr(value, "model_dump", None)
    return dump() if callable(dump) else dict(value)  # type: ignore[call-overload]


ITEM_SCHEMAS = [ItemModel, ItemSchema]
PAGING_SCHEMAS = [PagingModel, PagingSchema]
