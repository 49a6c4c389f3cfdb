"""The list over GraphQL, as docs/graphql.md writes it: 20 books, each with its author."""

from __future__ import annotations

import strawberry
from sqlalchemy import select

from framework.graphql import GraphQLContext

from .models import Author, Book

Info = strawberry.Info[GraphQLContext, None]


@strawberry.type
class AuthorType:
    name: str


@strawberry.type
class BookType:
    id: int
    title: str
    author_id: strawberry.Private[int]

    @strawberry.field
    async def author(self, info: Info) -> AuthorType:
        author = await info.context.load(Author, self.author_id)
        return AuthorType(name=author.name)


@strawberry.type
class Query:
    @strawberry.field
    async def books(self, info: Info) -> list[BookType]:
        rows = await info.context.db.scalars(select(Book).order_by(Book.id).limit(20))
        return [BookType(id=row.id, title=row.title, author_id=row.author_id) for row in rows]
