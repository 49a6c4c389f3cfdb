"""The catalog's API: products (pydantic), reviews and attachments (marshmallow), a webhook.

Reading is open to all; every write needs an API token (``Authorization: Bearer <token>``,
from ``python manage.py users token create demo``).
"""

from __future__ import annotations

from typing import Any

from framework.auth import authenticate
from framework.contrib.auth.backends import UserTokenAuth
from framework.io import expect, input, output, webhook
from framework.web import Controller, Request, abort, delete, get, post, put

from .models import Product, Review
from .ratings import refresh_rating
from .schemas import (
    AttachmentSchema,
    ImageUpload,
    Paging,
    ProductIn,
    ProductOut,
    Received,
    ReviewSchema,
    StockEventSchema,
)

NOT_FOUND = {404: "No product has this id"}

#: Who may change the catalog: a user with an API token.
writer = authenticate(UserTokenAuth())


async def product_or_404(product_id: int) -> Product:
    """Return the product *product_id*, or answer 404."""
    # A path converter accepts any number of digits; a database id has at most 63 bits.
    product = await Product.get(product_id) if product_id < 2**63 else None
    if product is None:
        abort(404, f"No product has the id {product_id}.")
    return product


class ProductController(Controller):
    """Products for sale, validated with pydantic."""

    path = "/products"

    @get("/")
    @input(Paging, location="query")
    @output(ProductOut, paginated=True)
    async def index(self, request: Request, query: Paging) -> Any:
        """List products
        ---
        Newest last, a page at a time.
        """
        return await Product.query().order_by("id").paginate(query.page, query.per_page)

    @post("/")
    @writer
    @input(ProductIn)
    @output(ProductOut, status_code=201)
    async def create(self, request: Request, data: ProductIn) -> Any:
        """Add a product."""
        return await Product.create(**data.model_dump())

    @get("/{id:int}")
    @output(ProductOut)
    @expect(NOT_FOUND)
    async def show(self, request: Request, id: int) -> Any:
        """Show one product."""
        return await product_or_404(id)

    @put("/{id:int}")
    @writer
    @input(ProductIn)
    @output(ProductOut)
    @expect(NOT_FOUND)
    async def update(self, request: Request, id: int, data: ProductIn) -> Any:
        """Replace a product's name, price and description."""
        product = await product_or_404(id)
        return await product.patch(**data.model_dump())

    @delete("/{id:int}")
    @writer
    @expect({204: "Deleted", **NOT_FOUND})
    async def remove(self, request: Request, id: int) -> None:
        """Delete a product and its reviews."""
        product = await product_or_404(id)
        await product.destroy()

    @post("/{id:int}/image")
    @writer
    @input(ImageUpload, location="form")
    @output(ProductOut)
    @expect(NOT_FOUND)
    async def upload_image(self, request: Request, id: int, data: ImageUpload) -> Any:
        """Replace a product's picture
        ---
        The file is stored under a generated name inside MEDIA_ROOT/products.
        """
        product = await product_or_404(id)
        stored = await data.image.asave("products")
        return await product.patch(image=stored)


class ReviewController(Controller):
    """What customers think of a product, validated with marshmallow."""

    path = "/products/{product_id:int}/reviews"

    @get("/")
    @output(ReviewSchema, many=True)
    @expect(NOT_FOUND)
    async def index(self, request: Request, product_id: int) -> Any:
        """List a product's reviews."""
        await product_or_404(product_id)
        return await Review.query().filter_by(product_id=product_id).order_by("id").all()

    @post("/")
    @writer
    @input(ReviewSchema)
    @output(ReviewSchema, status_code=201)
    @expect(NOT_FOUND)
    async def create(self, request: Request, product_id: int, data: dict[str, Any]) -> Any:
        """Review a product.
        ---
        The product's average rating is brought up to date right after the response.
        """
        await product_or_404(product_id)
        review = await Review.create(product_id=product_id, **data)
        # The client need not wait for the aggregate: it is recomputed after the response.
        request.after_response(refresh_rating, product_id)
        return review

    @post("/attachments")
    @writer
    @input(AttachmentSchema, location="form")
    @output(AttachmentSchema, status_code=201)
    @expect(NOT_FOUND)
    async def attach(self, request: Request, product_id: int, data: dict[str, Any]) -> Any:
        """Attach a document (PDF or text) to a product's reviews."""
        await product_or_404(product_id)
        await data["document"].asave("attachments")
        return data


class WarehouseController(Controller):
    """Events the warehouse sends."""

    path = "/hooks"

    @post("/stock")
    @writer
    @webhook(name="stock-changed")
    @input(StockEventSchema)
    @output(Received, status_code=202)
    async def stock(self, request: Request, data: dict[str, Any]) -> Any:
        """A stock level changed."""
        return {"received": True}
