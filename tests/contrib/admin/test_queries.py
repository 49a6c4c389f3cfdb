"""The list page issues a bounded number of statements, however many rows it shows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .conftest import run

pytestmark = pytest.mark.usefixtures("admin_db")


def books(count: int, start: int = 0) -> None:
    """Create *count* books, each with its own author and two tags."""
    from framework import db
    from tests.fixtures.adminproject.library.models import Author, Book, Tag

    async def create() -> None:
        async with db.session(atomic=True):
            tags = [
                await Tag.find(name=name) or await Tag.create(name=name) for name in ("sf", "award")
            ]
            for number in range(start, start + count):
                author = await Author.create(name=f"Author {number}")
                await Book(title=f"Book {number}", author_id=author.id, tags=tags).save()

    run(create)


@pytest.fixture
def statements() -> Iterator[list[str]]:
    """Record every statement sent to any database while the test runs."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", record)


def count_list_page(client: Any, statements: list[str], path: str) -> int:
    statements.clear()
    response = client.get(path)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("path", ["/admin/book/list?pageSize=50", "/admin/book/export/csv"])
def test_statements_do_not_grow_with_the_rows(logged_in, statements, path: str) -> None:
    root = logged_in("root", is_superuser=True)
    books(5)
    few = count_list_page(root, statements, path)
    books(45, start=5)
    page = root.get("/admin/book/list?pageSize=50").text
    assert page.count("Author 4") >= 11 and "award" in page  # the relations are shown
    many = count_list_page(root, statements, path)
    assert few == many, "\n".join(statements)
    # The user and roles, count, page, authors, tags, the three filters' choices: a
    # constant, whatever the page holds.
    assert many <= 16, "\n".join(statements)


def test_a_list_page_reads_outside_any_transaction(logged_in, statements) -> None:
    root = logged_in("root", is_superuser=True)
    books(3)
    count_list_page(root, statements, "/admin/book/list")
    assert any(statement.startswith("SELECT") for statement in statements)
    # No BEGIN (IMMEDIATE on SQLite would take the write lock): each read stands alone.
    assert [s for s in statements if s.startswith(("BEGIN", "SAVEPOINT"))] == []


def test_a_read_session_writes_in_a_real_transaction_after_a_lone_read(
    statements, backend: str
) -> None:
    from sqlalchemy import func, select

    from framework.contrib.admin.reads import session_maker
    from tests.fixtures.adminproject.library.models import Tag

    async def read_then_write() -> int:
        async with session_maker()() as session:
            assert list(await session.scalars(select(Tag))) == []
            assert not session.in_transaction()  # the read began nothing
            session.add_all([Tag(name="fantasy"), Tag(name="classic")])
            await session.commit()
        async with session_maker()() as session:
            return int(await session.scalar(select(func.count()).select_from(Tag)) or 0)

    statements.clear()
    assert run(read_then_write) == 2
    if backend == "sqlite":  # the write began as the alias's transaction_mode says
        begins = [s for s in statements if s.startswith("BEGIN")]
        assert begins == ["BEGIN IMMEDIATE"], "\n".join(statements)
        first_insert = next(i for i, s in enumerate(statements) if s.startswith("INSERT"))
        assert statements.index("BEGIN IMMEDIATE") < first_insert


def test_a_read_session_runs_a_statement_that_writes_in_a_transaction(
    statements, backend: str
) -> None:
    from sqlalchemy import insert, select

    from framework.contrib.admin.reads import session_maker
    from tests.fixtures.adminproject.library.models import Tag

    async def write_twice_then_roll_back() -> list[str]:
        async with session_maker()() as session:
            await session.execute(insert(Tag).values(name="fantasy"))
            await session.execute(insert(Tag).values(name="classic"))
            await session.rollback()  # both inserts were one transaction: neither stays
            return list(await session.scalars(select(Tag.name)))

    statements.clear()
    assert run(write_twice_then_roll_back) == []
    if backend == "sqlite":
        assert [s for s in statements if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"]
