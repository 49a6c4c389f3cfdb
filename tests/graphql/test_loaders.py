"""Batch loading: a page of books with their authors costs the same queries for 5 or 50."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from framework.graphql import DataLoader
from framework.testing import TestClient
from tests.graphql.conftest import run

QUERY = "{ books { title author { name } } }"


@contextmanager
def selects() -> Iterator[list[str]]:
    """Record the SELECT statements every engine runs inside the block."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def add_books(count: int) -> None:
    from framework import db
    from tests.fixtures.graphqlproject.bookshelf.models import Author, Book

    async def create() -> None:
        async with db.session():
            for number in range(count):
                author = await Author.create(name=f"author {number}")
                await Book.create(title=f"book {number}", author_id=author.id)

    run(create)


def statements_for(count: int) -> list[str]:
    from framework.web import get_asgi_application

    add_books(count)
    with TestClient(get_asgi_application()) as client, selects() as seen:
        answer = client.post("/graphql", json={"query": QUERY})
    books = answer.json()["data"]["books"]
    assert len(books) == count
    assert books[-1] == {"title": f"book {count - 1}", "author": {"name": f"author {count - 1}"}}
    return seen


@pytest.mark.parametrize("count", [5, 50])
def test_a_list_with_a_relation_costs_two_queries(gql_db: str, count: int) -> None:
    seen = statements_for(count)
    assert len(seen) == 2, seen
    assert "bookshelf_book" in seen[0] and "bookshelf_author" in seen[1]


def test_load_all_groups_rows_by_column(gql_db: str) -> None:
    from framework.web import get_asgi_application

    add_books(3)
    with TestClient(get_asgi_application()) as client:
        body = client.post("/graphql", json={"query": "{ authorBooks(authorId: 2) { title } }"})
    assert body.json() == {"data": {"authorBooks": [{"title": "book 1"}]}}


async def test_a_data_loader_batches_one_turn_and_caches() -> None:
    batches: list[list[int]] = []

    async def double(keys: list[int]) -> list[int]:
        batches.append(keys)
        return [key * 2 for key in keys]

    loader: DataLoader[int, int] = DataLoader(double)
    assert await asyncio.gather(loader.load(1), loader.load(2), loader.load(1)) == [2, 4, 2]
    assert await loader.load_many([2, 3]) == [4, 6]
    assert batches == [[1, 2], [3]]


async def test_a_batch_error_reaches_every_caller_and_is_not_cached() -> None:
    attempts: list[list[int]] = []

    async def flaky(keys: list[int]) -> list[int]:
        attempts.append(keys)
        if len(attempts) == 1:
            raise LookupError("database away")
        return keys

    loader: DataLoader[int, int] = DataLoader(flaky)
    results = await asyncio.gather(loader.load(1), loader.load(2), return_exceptions=True)
    assert [type(result) for result in results] == [LookupError, LookupError]
    assert await loader.load(1) == 1


async def test_a_batch_of_the_wrong_length_is_an_error_naming_the_function() -> None:
    async def short(keys: list[int]) -> list[int]:
        return keys[:1]

    loader: DataLoader[int, int] = DataLoader(short)
    with pytest.raises(ValueError, match="returned 1 values for 2 keys"):
        await asyncio.gather(loader.load(1), loader.load(2))


def test_concurrent_resolvers_share_the_request_session(gql_db: str) -> None:
    from framework.web import get_asgi_application

    add_books(3)
    aliases = " ".join(f"b{n}: books {{ title }}" for n in range(8))
    with TestClient(get_asgi_application()) as client:
        body = client.post("/graphql", json={"query": "{ " + aliases + " }"}).json()
    assert "errors" not in body, body
    assert all(len(books) == 3 for books in body["data"].values())
