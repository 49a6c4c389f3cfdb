"""The catalog's schemas: products with pydantic, reviews with marshmallow, side by side."""

from __future__ import annotations

from marshmallow import Schema, fields, validate
from pydantic import BaseModel, ConfigDict, Field

from framework.io.marshmallow import FileField as MarshmallowFileField
from framework.io.pydantic import FileField

# Text that a database can store: no NUL characters.
PLAIN_TEXT = r"^[^\x00]*$"


class ProductIn(BaseModel):
    """A new product, or new values for one (a JSON body: no "3" or false for a number)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=PLAIN_TEXT)
    price: float = Field(ge=0, le=1_000_000, allow_inf_nan=False)
    description: str = Field("", max_length=2000, pattern=PLAIN_TEXT)


class ProductOut(BaseModel):
    """A product as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    price: float
    description: str
    image: str | None
    rating: float | None = Field(description="The average of its reviews' ratings.")
    review_count: int


class Paging(BaseModel):
    """Which page of a listing to show."""

    page: int = Field(1, ge=1, le=10_000)
    per_page: int = Field(20, ge=1, le=100)


class Image(FileField):
    """A product picture."""

    max_size = 1024 * 1024
    allowed_extensions = {"png", "jpg", "jpeg", "gif", "webp"}


class ImageUpload(BaseModel):
    """The multipart form that replaces a product's picture."""

    image: Image


class ReviewSchema(Schema):
    """A review: what a customer thinks of a product."""

    id = fields.Integer(dump_only=True)
    product_id = fields.Integer(dump_only=True)
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    comment = fields.String(
        load_default="", validate=[validate.Length(max=2000), validate.Regexp(PLAIN_TEXT)]
    )


class StockEventSchema(Schema):
    """A stock change sent by the warehouse."""

    sku = fields.String(
        required=True, validate=[validate.Length(1, 40), validate.Regexp(PLAIN_TEXT)]
    )
    quantity = fields.Integer(required=True, validate=validate.Range(min=-1_000_000, max=1_000_000))


class AttachmentSchema(Schema):
    """A document attached to a review, as a multipart form."""

    title = fields.String(
        required=True, validate=[validate.Length(1, 100), validate.Regexp(PLAIN_TEXT)]
    )
    document = MarshmallowFileField(
        required=True, max_size=1024 * 1024, allowed_extensions=["pdf", "txt"]
    )


class Received(BaseModel):
    """An acknowledgement."""

    received: bool
