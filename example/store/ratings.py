"""Each product's average rating and review count, stored on the product for cheap listings."""

from __future__ import annotations

from sqlalchemy import func, select, update

from framework import db

from .models import Product, Review


async def refresh_rating(product_id: int) -> None:
    """Store the average rating and the number of reviews of product *product_id*.

    Runs as a background task after a review is posted, when the request's session is
    closed, so it opens its own. One UPDATE with subqueries: two reviews posted at once
    cannot leave a stale count behind.
    """
    reviews = select(Review).where(Review.product_id == product_id).subquery()
    statement = (
        update(Product)
        .where(Product.id == product_id)
        .values(
            rating=select(func.avg(reviews.c.rating)).scalar_subquery(),
            review_count=select(func.count()).select_from(reviews).scalar_subquery(),
        )
    )
    async with db.session() as session:
        await session.execute(statement)
        await session.commit()
