"""The peer: the same GraphQL list with Strawberry's own ASGI app on raw Starlette.

Plain SQLAlchemy (one session per request, Strawberry's DataLoader for the authors) over
the database the framework project created; ``BENCH_DATABASE_URL`` names it.
"""

from __future__ import annotations

import os
from typing import Any

import strawberry
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from starlette.applications import Starlette
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.dataloader import DataLoader

engine = create_async_engine(os.environ["BENCH_DATABASE_URL"])
sessions = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "library_author"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))


class Book(Base):
    __tablename__ = "library_book"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(ForeignKey("library_author.id"))


@strawberry.type
class AuthorType:
    name: str


@strawberry.type
class BookType:
    id: int
    title: str
    author_id: strawberry.Private[int]

    @strawberry.field
    async def author(self, info: strawberry.Info) -> AuthorType:
        return await info.context["authors"].load(self.author_id)


@strawberry.type
class Query:
    @strawberry.field
    async def books(self, info: strawberry.Info) -> list[BookType]:
        async with sessions() as session:
            rows = await session.scalars(select(Book).order_by(Book.id).limit(20))
            return [BookType(id=row.id, title=row.title, author_id=row.author_id) for row in rows]


async def load_authors(keys: list[int]) -> list[AuthorType]:
    async with sessions() as session:
        rows = await session.scalars(select(Author).where(Author.id.in_(keys)))
        names = {row.id: row.name for row in rows}
    return [AuthorType(name=names[key]) for key in keys]


class App(GraphQL):
    async def get_context(self, request: Any, response: Any) -> Any:
        return {"request": request, "authors": DataLoader(load_authors)}


async def hello(request: Any) -> Any:
    from starlette.responses import PlainTextResponse

    return PlainTextResponse("Hello, World!")


app = Starlette(
    routes=[
        Route("/hello", hello),
        Route("/graphql", App(strawberry.Schema(Query), graphql_ide=None), methods=["GET", "POST"]),
    ]
)
