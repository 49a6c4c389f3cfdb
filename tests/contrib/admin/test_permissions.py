"""Who may enter the admin and what each role may do there; CSRF on every unsafe request."""

from __future__ import annotations

import pytest

from .conftest import PASSWORD, csrf_of, make_user, run

pytestmark = pytest.mark.usefixtures("admin_db")


def authors() -> list[str]:
    from framework import db
    from tests.fixtures.adminproject.library.models import Author

    async def read() -> list[str]:
        async with db.session():
            return sorted(author.name for author in await Author.all())

    return run(read)


def an_author(name: str = "Ted Chiang") -> int:
    from framework import db
    from tests.fixtures.adminproject.library.models import Author

    async def create() -> int:
        async with db.session():
            return (await Author.create(name=name)).id

    return run(create)


def test_a_user_without_the_role_cannot_log_into_the_admin(admin_client) -> None:
    make_user("bob")
    refused = admin_client.login("bob")
    assert refused.status_code == 400
    assert "correct username and password of an administration account" in refused.text
    assert admin_client.get("/admin/", follow_redirects=False).status_code == 303


def test_logged_into_the_site_without_the_role_is_403_in_the_admin(admin_client) -> None:
    make_user("bob")
    page = admin_client.get("/login")
    site_login = admin_client.client.post(
        "/login",
        data={"username": "bob", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert site_login.status_code == 303
    refused = admin_client.get("/admin/author/list")
    assert refused.status_code == 403
    assert "You are logged in as bob, who may not use the administration" in refused.text


def test_admin_role_setting_decides_who_enters(clients, admin_client, settings) -> None:
    make_user("sam", roles=["staff"])
    make_user("ola", roles=["backoffice"])
    assert admin_client.login("sam").status_code == 303
    settings.ADMIN_ROLE = "backoffice"
    assert admin_client.get("/admin/").status_code == 403  # the same session, no longer let in
    other = clients()
    assert other.login("ola").status_code == 303
    assert other.get("/admin/").status_code == 200


def test_staff_see_only_what_their_roles_allow(logged_in) -> None:
    author = an_author()
    staff = logged_in("sam", roles=["staff"])
    index = staff.get("/admin/").text
    assert "Authors" in index and "Books" in index
    assert "Users" not in index and "Admin log" not in index
    assert staff.get("/admin/author/list").status_code == 200
    assert staff.get(f"/admin/author/details/{author}").status_code == 200
    for path in ("/admin/user/list", "/admin/log-entry/list", "/admin/api-token/list"):
        assert staff.get(path).status_code == 403, path
    assert staff.get("/admin/author/create").status_code == 403
    assert staff.get(f"/admin/author/edit/{author}").status_code == 403
    token = staff.token()
    created = staff.client.post(
        "/admin/author/create", data={"name": "Intruder", "csrf_token": token, "save": "Save"}
    )
    assert created.status_code == 403
    deleted = staff.client.delete(
        f"/admin/author/delete?pks={author}", headers={"X-CSRF-Token": token}
    )
    assert deleted.status_code == 403
    assert authors() == ["Ted Chiang"]


def test_editors_change_but_only_chiefs_delete(logged_in) -> None:
    author = an_author()
    editor = logged_in("eve", roles=["staff", "editor"])
    created = editor.post_form("/admin/author/create", {"name": "N. K. Jemisin", "save": "Save"})
    assert created.status_code == 302, created.text
    assert 'data-bs-target="#modal-delete"' not in editor.get("/admin/author/list").text
    headers = {"X-CSRF-Token": editor.token()}
    refused = editor.client.delete(f"/admin/author/delete?pks={author}", headers=headers)
    assert refused.status_code == 403
    chief = logged_in("cid", roles=["staff", "chief"])
    assert 'data-bs-target="#modal-delete"' in chief.get("/admin/author/list").text
    headers = {"X-CSRF-Token": chief.token()}
    assert (
        chief.client.delete(f"/admin/author/delete?pks={author}", headers=headers).status_code
        == 200
    )
    assert authors() == ["N. K. Jemisin"]


def test_an_action_needs_its_permission(logged_in) -> None:
    from tests.fixtures.adminproject.library.models import Book

    author = an_author()

    async def create() -> int:
        from framework import db

        async with db.session():
            return (await Book.create(title="Exhalation", author_id=author)).id

    book = run(create)
    staff = logged_in("sam", roles=["staff"])
    assert "Publish the selected books" not in staff.get("/admin/book/list").text
    refused = staff.client.post(
        "/admin/book/action/publish", data={"pks": str(book), "csrf_token": staff.token()}
    )
    assert refused.status_code == 403


def test_unsafe_requests_without_the_csrf_token_are_refused(logged_in) -> None:
    author = an_author()
    root = logged_in("root", is_superuser=True)
    posted = root.client.post("/admin/author/create", data={"name": "Forged", "save": "Save"})
    assert posted.status_code == 403
    assert "CSRF check failed" in posted.text
    wrong = root.client.post(
        "/admin/author/create", data={"name": "Forged", "csrf_token": "x" * 86, "save": "Save"}
    )
    assert wrong.status_code == 403
    assert root.client.delete(f"/admin/author/delete?pks={author}").status_code == 403
    action = root.client.post("/admin/book/action/publish", data={"pks": "1"})
    assert action.status_code == 403
    foreign = root.client.post(
        "/admin/author/create",
        data={"name": "Forged", "csrf_token": root.token(), "save": "Save"},
        headers={"Origin": "https://evil.example"},
    )
    assert foreign.status_code == 403
    assert authors() == ["Ted Chiang"]


def test_login_without_the_csrf_token_is_refused(admin_client) -> None:
    make_user("root", is_superuser=True)
    response = admin_client.client.post(
        "/admin/login", data={"username": "root", "password": PASSWORD}
    )
    assert response.status_code == 403
    assert admin_client.get("/admin/", follow_redirects=False).status_code == 303


def test_logout_is_a_post_and_ends_every_session_of_the_user(logged_in, clients) -> None:
    root = logged_in("root", is_superuser=True)
    second = clients()
    assert second.login("root").status_code == 303
    confirm = root.get("/admin/logout")
    assert confirm.status_code == 200 and 'id="confirm-logout"' in confirm.text
    assert root.get("/admin/").status_code == 200  # a GET logs nobody out
    out = root.client.post(
        "/admin/logout", data={"csrf_token": csrf_of(confirm.text)}, follow_redirects=False
    )
    assert out.status_code == 303 and out.headers["location"].endswith("/admin/login")
    assert root.get("/admin/", follow_redirects=False).status_code == 303
    assert second.get("/admin/", follow_redirects=False).status_code == 303


def test_admin_logins_count_against_the_login_throttle(admin_client, settings) -> None:
    settings.LOGIN_THROTTLE = "3/minute"
    make_user("root", is_superuser=True)
    make_user("bob")
    # A wrong password, and a right one of a user who may not enter, are failed attempts.
    codes = [admin_client.login("root", "wrong").status_code for _ in range(2)]
    assert [*codes, admin_client.login("bob").status_code] == [400, 400, 400]
    refused = admin_client.login("root")
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "Too many login attempts: the limit is 3 per 1 minute." in refused.text
    assert admin_client.get("/admin/", follow_redirects=False).status_code == 303
