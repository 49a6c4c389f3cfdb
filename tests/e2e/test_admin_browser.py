"""The admin in headless Chromium over a real uvicorn, on SQLite and PostgreSQL.

Every page may only reach the server itself: a request to any other host is aborted and
fails the test (no asset comes from a CDN), and so does an uncaught script error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.contrib.admin.conftest import (
    PASSWORD,
    admin_db,
    adminproject,
    backend,
    make_user,
    run,
)

__all__ = ["admin_db", "adminproject", "backend"]

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "tundra-lantern-quartz"
#: Refusals are proven on both databases in-process (tests/contrib/admin); here, on SQLite.
SQLITE_ONLY = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


@pytest.fixture
def base_url(admin_db: dict[str, str]) -> Iterator[str]:
    from framework.testing import live_server
    from framework.web import get_asgi_application

    with live_server(get_asgi_application()) as url:
        yield url


@pytest.fixture
def admin_page(page: Any) -> Iterator[Any]:
    """The browser page, failing the test on any uncaught script error."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == []
    assert page.blocked_requests == []


def library() -> dict[str, int]:
    from framework import db
    from tests.fixtures.adminproject.library.models import Author, Book, Tag

    async def create() -> dict[str, int]:
        async with db.session():
            author = await Author.create(name="Ursula K. Le Guin", country="US")
            other = await Author.create(name="Octavia E. Butler", country="US")
            tag = await Tag.create(name="classic")
            await Book(title="A Wizard of Earthsea", year=1968, author_id=author.id).save()
            await Book(title="Kindred", year=1979, author_id=other.id, tags=[tag]).save()
            await Book(title="The Lathe of Heaven", year=1971, author_id=author.id).save()
            return {"author": author.id, "other": other.id, "tag": tag.id}

    return run(create)


def book_titles() -> dict[str, bool]:
    from framework import db
    from tests.fixtures.adminproject.library.models import Book

    async def read() -> dict[str, bool]:
        async with db.session():
            return {book.title: book.published for book in await Book.all()}

    return run(read)


def log_in(page: Any, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#admin-login button[type=submit]")


def rows(page: Any) -> list[str]:
    return page.locator("table tbody tr").all_inner_texts()


def test_log_in_list_search_filter_create_edit_act_delete(base_url: str, admin_page: Any) -> None:
    page = admin_page
    make_user("root", is_superuser=True)
    ids = library()

    page.goto(f"{base_url}/admin/")
    assert page.url == f"{base_url}/admin/login?next=%2Fadmin%2F"
    log_in(page, base_url, "root", "wrong-password")
    assert "correct username and password" in page.text_content("#login-error")
    log_in(page, base_url, "root")
    page.wait_for_url(f"{base_url}/admin/")
    assert page.text_content("#admin-user") == "root"

    page.click(".page-body >> text=Books")
    page.wait_for_url(f"{base_url}/admin/book/list")
    assert len(rows(page)) == 3
    page.fill("#search-input", "earthsea")
    page.click("#search-button")
    page.wait_for_url(re.compile(r".*search=earthsea"))
    assert [r for r in rows(page) if "Earthsea" in r] and len(rows(page)) == 1

    page.goto(f"{base_url}/admin/book/list")
    page.click("a[href*='author=']:has-text('Octavia E. Butler')")  # the author filter
    page.wait_for_url(re.compile(rf".*author={ids['other']}$"))
    assert len(rows(page)) == 1 and "Kindred" in rows(page)[0]

    page.goto(f"{base_url}/admin/book/list")
    page.click("text=+ New Book")
    page.fill("#title", "The Dispossessed")
    page.select_option("#author", str(ids["author"]), force=True)
    page.fill("#year", "1974")
    page.select_option("#tags", [str(ids["tag"])], force=True)
    page.click("input[value=Save]")
    page.wait_for_url(f"{base_url}/admin/book/list")
    assert any("The Dispossessed" in row and "classic" in row for row in rows(page))

    page.click("tr:has-text('The Dispossessed') a[href*='/edit/']")
    page.wait_for_url(re.compile(r".*/admin/book/edit/\d+"))
    page.fill("#year", "1975")
    page.click("input[value=Save]")
    page.wait_for_url(f"{base_url}/admin/book/list")
    assert any("The Dispossessed" in row and "1975" in row for row in rows(page))

    page.check("tr:has-text('Kindred') .select-box")
    page.check("tr:has-text('The Dispossessed') .select-box")
    page.click("#dropdownMenuButton")
    page.click("text=Publish the selected books")
    page.wait_for_url(f"{base_url}/admin/book/list")
    published = book_titles()
    assert published["Kindred"] and published["The Dispossessed"]
    assert not published["A Wizard of Earthsea"]

    page.check("tr:has-text('The Lathe of Heaven') .select-box")
    page.click("#dropdownMenuButton")
    page.click("#action-delete")
    # The modal's button gets its URL when the modal has finished opening (shown.bs.modal).
    page.wait_for_selector("#modal-delete-button[data-url*='pks=']", state="attached")
    page.click("#modal-delete-button")
    page.wait_for_function("!document.body.innerText.includes('The Lathe of Heaven')")
    assert "The Lathe of Heaven" not in book_titles()

    page.goto(f"{base_url}/admin/log-entry/list")
    log = " ".join(rows(page))
    for action in ("create", "update", "action:publish", "delete"):
        assert action in log


def test_password_change_then_login_with_the_new_password(base_url: str, admin_page: Any) -> None:
    page = admin_page
    make_user("root", is_superuser=True)
    make_user("ann", roles=["staff"])
    page.goto(f"{base_url}/admin/login")
    log_in(page, base_url, "root")
    page.wait_for_url(f"{base_url}/admin/")
    page.goto(f"{base_url}/admin/user/list?search=ann")
    page.click("tr:has-text('ann') a[href*='/edit/']")
    assert page.input_value("#new_password") == ""
    assert "$argon2" not in page.content()
    page.fill("#new_password", NEW_PASSWORD)
    page.fill("#new_password_again", NEW_PASSWORD)
    page.click("input[value=Save]")
    page.wait_for_url(re.compile(r".*/admin/user/list.*"))

    page.click("#admin-logout")
    page.wait_for_url(f"{base_url}/admin/login")
    log_in(page, base_url, "ann", PASSWORD)
    assert page.locator("#login-error").is_visible()
    log_in(page, base_url, "ann", NEW_PASSWORD)
    page.wait_for_url(f"{base_url}/admin/")
    assert page.text_content("#admin-user") == "ann"
    assert "Users" not in page.text_content("#recent-actions")


@SQLITE_ONLY
def test_a_user_without_the_role_is_refused(base_url: str, admin_page: Any) -> None:
    page = admin_page
    make_user("bob")
    page.goto(f"{base_url}/admin/login")
    log_in(page, base_url, "bob")
    assert "correct username and password" in page.text_content("#login-error")
    page.goto(f"{base_url}/login")  # the site's own login: bob may use the site
    page.fill("#username", "bob")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    response = page.goto(f"{base_url}/admin/book/list")
    assert response.status == 403
    assert "You are logged in as bob, who may not use the administration" in page.content()


@SQLITE_ONLY
def test_a_form_posted_without_the_csrf_token_is_refused(base_url: str, admin_page: Any) -> None:
    page = admin_page
    make_user("root", is_superuser=True)
    page.goto(f"{base_url}/admin/login")
    log_in(page, base_url, "root")
    page.wait_for_url(f"{base_url}/admin/")
    page.goto(f"{base_url}/admin/tag/create")
    page.evaluate(
        'document.querySelector(\'form[action$="/admin/tag/create"] '
        "input[name=csrf_token]').remove()"
    )
    page.fill("#name", "forged")
    with page.expect_response(re.compile(r".*/admin/tag/create$")) as answer:
        page.click("input[value=Save]")
    assert answer.value.status == 403
    assert "CSRF check failed" in page.content()
    page.goto(f"{base_url}/admin/tag/list")
    assert "forged" not in page.content()
