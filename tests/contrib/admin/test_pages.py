"""The admin's pages in-process: login, list, search, filter, sort, create, edit, delete, export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import PASSWORD, AdminClient, csrf_of, make_user, run

pytestmark = pytest.mark.usefixtures("admin_db")


def library(*titles: str, author: str = "Ursula K. Le Guin") -> dict[str, Any]:
    """Create an author, two tags and books; return their ids."""
    from framework import db
    from tests.fixtures.adminproject.library.models import Author, Book, Tag

    async def create() -> dict[str, Any]:
        async with db.session():
            writer = await Author.create(name=author, country="US")
            tags = [
                await Tag.find(name=name) or await Tag.create(name=name)
                for name in ("fantasy", "classic")
            ]
            books = []
            for year, title in enumerate(titles, 1960):
                book = Book(title=title, year=year, author_id=writer.id, tags=tags[:1])
                await book.save()
                books.append(book.id)
            return {"author": writer.id, "tags": [tag.id for tag in tags], "books": books}

    return run(create)


def log_entries() -> list[Any]:
    from sqlalchemy import select

    from framework import db
    from framework.contrib.admin.models import LogEntry

    async def read() -> list[Any]:
        async with db.session() as session:
            rows = list((await session.execute(select(LogEntry).order_by(LogEntry.id))).scalars())
            session.expunge_all()  # usable after the session ends
            return rows

    return run(read)


def book(book_id: int) -> Any:
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from framework import db
    from tests.fixtures.adminproject.library.models import Book

    async def read() -> Any:
        async with db.session() as session:
            stmt = select(Book).where(Book.id == book_id).options(selectinload(Book.tags))
            found = (await session.execute(stmt)).scalar_one_or_none()
            session.expunge_all()
            return found

    return run(read)


@pytest.fixture
def root(admin_client: AdminClient) -> AdminClient:
    make_user("root", is_superuser=True)
    assert admin_client.login("root").status_code == 303
    return admin_client


def test_anonymous_visitors_are_sent_to_the_login_page_and_back(admin_client) -> None:
    make_user("root", is_superuser=True)
    response = admin_client.get("/admin/book/list?search=x", follow_redirects=False)
    assert response.status_code == 303
    target = "/admin/book/list?search=x"
    assert response.headers["location"].endswith(
        "/admin/login?next=%2Fadmin%2Fbook%2Flist%3Fsearch%3Dx"
    )
    page = admin_client.get(response.headers["location"])
    assert f'name="next" value="{target}"' in page.text
    data = {"username": "root", "password": PASSWORD, "next": target}
    login = admin_client.client.post(
        "/admin/login", data={**data, "csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert (login.status_code, login.headers["location"]) == (303, target)
    # A next= to another site is not followed.
    admin_client.client.cookies.clear()
    page = admin_client.get("/admin/login")
    data["next"] = "//evil.example/x"
    login = admin_client.client.post(
        "/admin/login", data={**data, "csrf_token": csrf_of(page.text)}, follow_redirects=False
    )
    assert login.headers["location"].endswith("/admin/")


def test_wrong_password_and_unknown_user_get_the_same_answer(admin_client) -> None:
    make_user("root", is_superuser=True)
    wrong = admin_client.login("root", "not-the-password")
    unknown = admin_client.login("nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 400
    message = "Please enter the correct username and password of an administration account."
    assert message in wrong.text and message in unknown.text
    assert admin_client.get("/admin/", follow_redirects=False).status_code == 303


def test_index_lists_the_models_by_app_and_my_recent_changes(root) -> None:
    page = root.get("/admin/")
    assert page.status_code == 200
    for heading in ("Authentication", "Administration", "Library", "Lending"):
        assert heading in page.text
    for model in ("Books", "Authors", "Tags", "Loans", "Users", "Roles", "Admin log"):
        assert model in page.text
    assert "None yet." in page.text
    root.post_form("/admin/tag/create", {"name": "poetry", "save": "Save"})
    assert "poetry" in root.get("/admin/").text


def test_list_search_filter_sort_and_paginate(root) -> None:
    ids = library(*(f"Book {n:02}" for n in range(30)))
    other = library("Kindred", author="Octavia E. Butler")
    rows = 'class="form-check-input m-0 align-middle select-box"'
    page = root.get("/admin/book/list")
    assert page.status_code == 200
    assert page.text.count(rows) == 25  # list_per_page
    assert root.get("/admin/book/list?page=2").text.count(rows) == 6
    found = root.get("/admin/book/list?search=book+05")
    assert "Book 05" in found.text and "Book 06" not in found.text
    by_author = root.get("/admin/book/list?search=butler")
    assert "Kindred" in by_author.text and "Book 05" not in by_author.text
    filtered = root.get(f"/admin/book/list?author={other['author']}")
    assert "Kindred" in filtered.text and "Book 05" not in filtered.text
    tagged = root.get(f"/admin/book/list?tags={ids['tags'][0]}&pageSize=100")
    assert "Book 05" in tagged.text and "Kindred" in tagged.text
    assert root.get(f"/admin/book/list?tags={ids['tags'][1]}").text.count(rows) == 0
    by_year = root.get("/admin/book/list?year=1965")
    assert "Book 05" in by_year.text and "Book 06" not in by_year.text
    unpublished = root.get("/admin/book/list?published=true")
    assert unpublished.text.count(rows) == 0
    ascending = root.get("/admin/book/list?sortBy=title&sort=asc&pageSize=100").text
    assert ascending.index("Book 00") < ascending.index("Book 29") < ascending.index("Kindred")
    descending = root.get("/admin/book/list?sortBy=author.name&sort=desc&pageSize=100").text
    assert descending.index("Le Guin") < descending.index("Butler")


def test_default_ordering_and_column_headings_come_from_the_model_admin(root) -> None:
    library("Old", "New")
    page = root.get("/admin/book/list").text
    assert page.index(">New<") < page.index(">Old<")  # ordering = ["-year", "title"]
    for heading in ("ID", "Title", "Author name", "Year", "Published", "Tags"):
        assert heading in page


def test_create_edit_and_delete_write_the_admin_log(root) -> None:
    ids = library()
    fields = {"title": "The Dispossessed", "author": str(ids["author"]), "save": "Save"}
    tags = [str(tag) for tag in ids["tags"]]
    created = root.post_form("/admin/book/create", {**fields, "year": "1974", "tags": tags})
    assert created.status_code == 302, created.text
    [entry] = log_entries()
    new_id = int(entry.object_id)
    saved = book(new_id)
    assert (saved.title, saved.year, saved.author_id) == ("The Dispossessed", 1974, ids["author"])
    assert sorted(tag.name for tag in saved.tags) == ["classic", "fantasy"]
    assert (entry.action, entry.model, entry.username) == ("create", "library.Book", "root")
    assert entry.changed_fields["title"] == [None, "The Dispossessed"]

    edit = f"/admin/book/edit/{new_id}"
    edited = root.post_form(edit, {**fields, "year": "1975", "tags": tags[:1], "published": "y"})
    assert edited.status_code == 302, edited.text
    changed = book(new_id)
    assert (changed.year, changed.published) == (1975, True)
    assert [tag.name for tag in changed.tags] == ["fantasy"]
    update = log_entries()[-1]
    assert update.action == "update"
    assert update.changed_fields == {
        "published": [False, True],
        "tags": [["classic", "fantasy"], ["fantasy"]],
        "year": [1974, 1975],
    }

    headers = {"X-CSRF-Token": root.token()}
    deleted = root.client.delete(f"/admin/book/delete?pks={new_id}", headers=headers)
    assert deleted.status_code == 200 and deleted.text.endswith("/admin/book/list")
    assert book(new_id) is None
    last = log_entries()[-1]
    assert (last.action, last.object_id, last.object_repr) == (
        "delete",
        str(new_id),
        "The Dispossessed",
    )


def test_a_refused_write_shows_the_reason_and_writes_nothing(root) -> None:
    library()
    answer = root.post_form("/admin/author/create", {"name": "Ursula K. Le Guin", "save": "Save"})
    assert answer.status_code == 400
    assert "The database refused the change" in answer.text
    assert "INSERT" not in answer.text
    assert log_entries() == []


def test_read_only_fields_are_shown_but_never_written(root) -> None:
    ids = library("Lavinia")
    [book_id] = ids["books"]
    before = book(book_id).created
    form = root.get(f"/admin/book/edit/{book_id}").text
    created_input = form.split('name="created"')[1][:300]
    assert "readonly" in created_input
    fields = {"title": "Lavinia", "author": str(ids["author"]), "year": "2008", "save": "Save"}
    answer = root.post_form(f"/admin/book/edit/{book_id}", {**fields, "created": "1999-01-01"})
    assert answer.status_code == 302, answer.text
    assert book(book_id).created == before
    assert book(book_id).year == 2008


def test_export_csv_of_the_listed_rows(root) -> None:
    library("A Wizard of Earthsea", "The Tombs of Atuan")
    response = root.get("/admin/book/export/csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:3] == ["ID", "Title", "Author name"] or rows[0][:3] == [
        "id",
        "title",
        "author.name",
    ]
    assert sorted(row[1] for row in rows[1:]) == ["A Wizard of Earthsea", "The Tombs of Atuan"]
    assert {row[2] for row in rows[1:]} == {"Ursula K. Le Guin"}


def test_a_model_on_another_database_alias(root) -> None:
    fields = {"borrower": "Genly Ai", "book_title": "The Left Hand of Darkness", "save": "Save"}
    created = root.post_form("/admin/loan/create", {**fields, "fee": "2.5"})
    assert created.status_code == 302, created.text
    assert "The Left Hand of Darkness" in root.get("/admin/loan/list?search=genly").text
    entry = log_entries()[-1]
    assert (entry.model, entry.action) == ("lending.Loan", "create")
    assert entry.changed_fields["fee"] == [None, 2.5]  # a float column (SQLAlchemy's Double)

    from sqlalchemy import inspect

    from framework.db import engines

    async def tables_on(alias: str) -> list[str]:
        async with engines.get(alias).connect() as connection:
            return await connection.run_sync(lambda sync: inspect(sync).get_table_names())

    assert "lending_loan" in run(tables_on, "archive")
    assert "lending_loan" not in run(tables_on, "default")


def test_an_action_runs_on_the_posted_rows_and_is_logged(root) -> None:
    ids = library("One", "Two", "Three")
    first, second, third = ids["books"]
    response = root.client.post(
        "/admin/book/action/publish",
        data={"pks": f"{first},{third}", "csrf_token": root.token()},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("/admin/book/list")
    assert [book(i).published for i in (first, second, third)] == [True, False, True]
    entries = [entry for entry in log_entries() if entry.action == "action:publish"]
    assert sorted(entry.object_id for entry in entries) == sorted([str(first), str(third)])
    assert entries[0].changed_fields == {"published": [False, True]}
    assert root.get("/admin/book/action/publish").status_code == 405  # never a GET
    listing = root.get("/admin/book/list")
    assert "Publish the selected books" in listing.text


@pytest.mark.parametrize(
    "path",
    [
        "/admin/book/details/abc",
        "/admin/book/edit/abc",
        "/admin/book/details/99999999999999999999999",
        "/admin/book/list?page=abc",
        "/admin/book/list?pageSize=-1",
        "/admin/book/list?sortBy=password",
        "/admin/book/list?author=abc",
        "/admin/book/list?year=soon",
        "/admin/book/list?year=99999999999999999999999",
        "/admin/book/list?tags=1e999",
        "/admin/nothing/list",
        "/admin/book/export/xml",
    ],
)
def test_bad_input_is_a_client_error_never_a_500(root, path: str) -> None:
    library("Only")
    response = root.get(path)
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:500])


def test_ids_and_pages_beyond_any_row_are_not_errors(root) -> None:
    library("Only")
    assert root.get("/admin/book/list?page=99999999999999").status_code in (200, 302)
    assert root.get("/admin/book/details/2147483648").status_code == 404
    assert root.get("/admin/book/details/9223372036854775808").status_code == 404
    assert root.get("/admin/book/list?author=2147483648").status_code == 200


@pytest.fixture
def review_admin() -> Iterator[None]:
    """Register the library's Review (foreign keys, no relationship) for the test."""
    from framework.contrib.admin import ModelAdmin, site
    from tests.fixtures.adminproject.library.models import Review

    fields = {"fields": ["book_id", "critic_id", "text"], "list_display": ["id", "book_id"]}
    site.register(Review, type("ReviewAdmin", (ModelAdmin,), fields))
    try:
        yield
    finally:
        site.unregister(Review)


def reviews() -> list[tuple[int, int | None, str]]:
    from sqlalchemy import select

    from framework import db
    from tests.fixtures.adminproject.library.models import Review

    async def read() -> list[tuple[int, int | None, str]]:
        async with db.session() as session:
            rows = (await session.execute(select(Review).order_by(Review.id))).scalars()
            return [(row.book_id, row.critic_id, row.text) for row in rows]

    return run(read)


def test_a_foreign_key_without_a_relationship_is_a_select_of_the_related_rows(
    review_admin: None, root: AdminClient
) -> None:
    ids = library("Lavinia", "Tehanu")
    lavinia, tehanu = ids["books"]
    form = root.get("/admin/review/create").text
    assert f'<option value="{tehanu}">Tehanu</option>' in form
    assert '<option selected value="">---------</option>' in form  # the critic may be none
    data = {"book_id": str(tehanu), "critic_id": "", "text": "Quiet.", "save": "Save"}
    created = root.post_form("/admin/review/create", data)
    assert created.status_code == 302, created.text
    critic = {**data, "book_id": str(lavinia), "critic_id": str(ids["author"])}
    assert root.post_form("/admin/review/create", critic).status_code == 302
    assert reviews() == [(tehanu, None, "Quiet."), (lavinia, ids["author"], "Quiet.")]
    [first] = [entry.object_id for entry in log_entries() if entry.model == "library.Review"][:1]
    assert f'<option selected value="{tehanu}">' in root.get(f"/admin/review/edit/{first}").text

    missing = root.post_form("/admin/review/create", {**data, "book_id": str(tehanu + 100)})
    assert missing.status_code == 400
    assert "Not a valid choice" in missing.text
    assert len(reviews()) == 2


def test_row_links_are_the_urls_each_row_would_resolve(root, monkeypatch) -> None:
    import re

    from sqladmin import ModelView

    from framework.contrib.admin.views import AdminView

    ids = library("Tehanu", "Tales from Earthsea")
    path = "/admin/book/list?sortBy=title&sort=asc&search=e"
    page = root.get(path).text
    for book_id in ids["books"]:
        for link in (f'/admin/book/details/{book_id}"', f"/admin/book/edit/{book_id}?sortBy="):
            assert f'href="https://localhost{link}' in page
        assert f'data-url="https://localhost/admin/book/delete?pks={book_id}"' in page
    assert f'href="https://localhost/admin/tag/details/{ids["tags"][0]}"' in page  # a relation
    # The same page with each link resolved through the router, row by row, as sqladmin does.
    monkeypatch.setattr(AdminView, "_build_url_for", ModelView._build_url_for)
    monkeypatch.setattr(AdminView, "_url_for_delete", ModelView._url_for_delete)
    per_row = root.get(path).text
    token = re.compile(r'(csrf[-_]token"? (?:value|content)=)"[^"]*"')
    assert token.sub(r"\1", page) == token.sub(r"\1", per_row)
