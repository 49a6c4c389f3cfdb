"""The catalog over GraphQL: products with their reviews, in one request.

Try it in GraphiQL at /graphql (with DEBUG on), or::

    curl -H 'Content-Type: application/json' \\
         -d '{"query": "{ products { name price reviews { rating comment } } }"}' \\
         http://127.0.0.1:8000/graphql
"""

from __future__ import annotations

import strawberry
from sqlalchemy import select

from example.store.models import Product, Review
from framework.graphql import GraphQLContext

Info = strawberry.Info[GraphQLContext, None]


@strawberry.type
class ReviewType:
    """A customer's opinion of a product."""

    id: int
    rating: int
    comment: str


@strawberry.type
class ProductType:
    """Something the catalog sells."""

    id: int
    name: str
    price: float
    description: str
    rating: float | None

    @strawberry.field(description="The product's reviews, oldest first.")
    async def reviews(self, info: Info) -> list[ReviewType]:
        rows = await info.context.load_all(Review.product_id, self.id)  # one query per page
        return [ReviewType(id=row.id, rating=row.rating, comment=row.comment) for row in rows]


def product_of(row: Product) -> ProductType:
    return ProductType(
        id=row.id, name=row.name, price=row.price, description=row.description, rating=row.rating
    )


@strawberry.type
class Query:
    @strawberry.field(description="Products by name, at most `limit` of them.")
    async def products(self, info: Info, limit: int = 20) -> list[ProductType]:
        query = select(Product).order_by(Product.name).limit(max(0, min(limit, 100)))
        return [product_of(row) for row in await info.context.db.scalars(query)]

    @strawberry.field(description="One product, or null.")
    async def product(self, info: Info, id: int) -> ProductType | None:
        row = await info.context.load(Product, id)
        return product_of(row) if row is not None else None
