"""The admin's list page under concurrent requests on a real uvicorn and a SQLite file.

A list page only reads, so it must never take SQLite's write lock: sixteen pages requested at
once all answer while another connection holds that lock, and an edit posted at the same
time waits for the lock and then commits, with its admin-log entry.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from tests.contrib.admin.conftest import PASSWORD, admin_db, adminproject, backend, make_user, run

__all__ = ["admin_db", "adminproject", "backend"]

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

PAGES = 16
BOOKS = 30
#: How long a writer waits for the lock (ms): far longer than the pages take to answer.
BUSY_TIMEOUT = 60_000
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def site(admin_db: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Serve the admin project on uvicorn; yield its URL and its default SQLite file."""
    from framework.conf import settings
    from framework.testing import live_server
    from framework.web import get_asgi_application

    databases = {
        alias: {"URL": url, "PRAGMAS": {"busy_timeout": BUSY_TIMEOUT}}
        for alias, url in admin_db.items()
    }
    with settings.override(DATABASES=databases), live_server(get_asgi_application()) as url:
        yield url, str(make_url(admin_db["default"]).database)


def shelf() -> list[int]:
    """Create the books the list pages show; return their ids."""
    from framework import db
    from tests.fixtures.adminproject.library.models import Author, Book

    async def create() -> list[int]:
        async with db.session(atomic=True):
            author = await Author.create(name="Ursula K. Le Guin")
            books = [
                await Book.create(title=f"Book {n:02}", year=1960 + n, author_id=author.id)
                for n in range(BOOKS)
            ]
            return [book.id for book in books]

    return run(create)


def saved_year(book_id: int) -> tuple[int, list[str]]:
    """Return the book's year and the admin log's actions, as committed."""
    from framework import db
    from framework.contrib.admin.models import LogEntry
    from tests.fixtures.adminproject.library.models import Book

    async def read() -> tuple[int, list[str]]:
        async with db.session() as session:
            book = await Book.get(book_id)
            assert book is not None
            actions = await session.scalars(select(LogEntry.action).order_by(LogEntry.id))
            return book.year, list(actions)

    return run(read)


def log_in(url: str) -> tuple[dict[str, str], str]:
    """Log a staff editor in through the form; return the session cookies and a CSRF token."""
    make_user("editor", roles=["staff", "editor"])
    with httpx.Client(base_url=url, timeout=60) as client:
        token = _token(client.get("/admin/login").text)
        answer = client.post(
            "/admin/login",
            data={"username": "editor", "password": PASSWORD, "csrf_token": token},
        )
        assert answer.status_code == 303, answer.text
        token = _token(client.get("/admin/login").text)
        return dict(client.cookies.items()), token


def _token(html: str) -> str:
    found = _CSRF.search(html)
    assert found, html[:2000]
    return found.group(1)


async def pages_and_edit(
    url: str, cookies: dict[str, str], edit: dict[str, Any], lock: sqlite3.Connection
) -> tuple[list[httpx.Response], bool, httpx.Response]:
    """Request the list pages and post *edit* at once while *lock* holds the write lock.

    Return the pages' responses and the edit's, the lock released once every page answered.
    """
    async with httpx.AsyncClient(base_url=url, cookies=cookies, timeout=120) as client:
        posted = asyncio.ensure_future(client.post(edit["path"], data=edit["data"]))
        pages = await asyncio.gather(*(client.get("/admin/book/list") for _ in range(PAGES)))
        still_waiting = not posted.done()
        lock.rollback()  # the other writer ends: the edit takes the lock and commits
        return pages, still_waiting, await posted


def test_list_pages_answer_while_a_writer_holds_the_lock_and_an_edit_commits(
    site: tuple[str, str],
) -> None:
    url, database = site
    ids = shelf()
    cookies, token = log_in(url)
    book_id = ids[0]
    fields = {"title": "Book 00", "author": "", "year": "2001", "save": "Save"}
    edit = {"path": f"/admin/book/edit/{book_id}", "data": {**fields, "csrf_token": token}}
    with httpx.Client(base_url=url, cookies=cookies) as client:  # the form's author choice
        form = client.get(edit["path"]).text
    author = re.search(r'<option selected value="(\d+)">', form)
    assert author, form[:3000]
    edit["data"]["author"] = author.group(1)

    lock = sqlite3.connect(database, isolation_level=None, timeout=0)
    try:
        lock.execute("BEGIN IMMEDIATE")  # another connection holds the write lock
        pages, still_waiting, edited = asyncio.run(pages_and_edit(url, cookies, edit, lock))
    finally:
        lock.close()

    errors = [(page.status_code, page.text[:300]) for page in pages if page.status_code != 200]
    assert errors == []
    for page in pages:
        # The newest 25 (ordering = ["-year", "title"], list_per_page = 25).
        assert all(f"Book {n:02}" in page.text for n in range(BOOKS - 25, BOOKS))
    assert still_waiting, "the edit committed while another connection held the write lock"
    assert edited.status_code == 302, edited.text[:2000]
    assert saved_year(book_id) == (2001, ["update"])
