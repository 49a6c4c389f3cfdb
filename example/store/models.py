"""The demo store: products and their reviews."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from framework.db import CRUDMixin, Model


class Product(CRUDMixin, Model):
    """Something the catalog sells."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    price: Mapped[float]
    description: Mapped[str] = mapped_column(Text, default="")
    #: Where the product's image is stored, relative to MEDIA_ROOT.
    image: Mapped[str | None] = mapped_column(String(200), default=None)
    #: The average rating of its reviews (None until the first review), and how many there
    #: are: kept up to date by a background task after each review, so listings need no join.
    rating: Mapped[float | None] = mapped_column(default=None)
    review_count: Mapped[int] = mapped_column(default=0, server_default="0")

    def __str__(self) -> str:
        return self.name


class Review(CRUDMixin, Model):
    """A customer's opinion of a product."""

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("store_product.id", ondelete="CASCADE"))
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(Text, default="")
    #: The product, for the admin's lists and forms (the API sends product_id).
    product: Mapped[Product] = relationship(Product)

    def __str__(self) -> str:
        return f"{self.rating}★ {self.comment[:40]}"
