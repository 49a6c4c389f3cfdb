"""Users, roles and API tokens in the admin: contrib.auth's rules, hashes never shown."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest

from .conftest import PASSWORD, csrf_of, make_user, run

pytestmark = pytest.mark.usefixtures("admin_db")

NEW_PASSWORD = "tundra-lantern-quartz"


def user(username: str) -> Any:
    from framework import db
    from framework.contrib.auth.users import find_user

    async def read() -> Any:
        async with db.session() as session:
            found = await find_user(username)
            session.expunge_all()
            return found

    return run(read)


def role_id(name: str) -> int:
    from framework import db
    from framework.contrib.auth.models import Role

    async def create() -> int:
        async with db.session():
            return (await Role.create(name=name, description="")).id

    return run(create)


def user_form(username: str, password: str = "", again: str | None = None, **extra: Any) -> dict:
    return {
        "username": username,
        "email": f"{username}@example.com",
        "is_active": "y",
        "new_password": password,
        "new_password_again": password if again is None else again,
        "save": "Save",
        **extra,
    }


@pytest.fixture
def root(logged_in) -> Any:
    return logged_in("root", is_superuser=True)


def test_create_a_user_with_a_password_checked_by_the_validators(root) -> None:
    weak = root.post_form("/admin/user/create", user_form("ann", "12345678"))
    assert weak.status_code == 400
    assert "This password is too common." in weak.text
    assert "This password is entirely numeric." in weak.text
    short = root.post_form("/admin/user/create", user_form("ann", "short"))
    assert "This password is too short" in short.text
    differ = root.post_form("/admin/user/create", user_form("ann", NEW_PASSWORD, "other-thing-2"))
    assert "The two passwords differ." in differ.text
    missing = root.post_form("/admin/user/create", user_form("ann"))
    assert "A new user needs a password." in missing.text
    bad_name = root.post_form("/admin/user/create", user_form("ann smith", NEW_PASSWORD))
    assert "Enter a valid username" in bad_name.text
    assert user("ann") is None

    staff = role_id("staff")
    created = root.post_form(
        "/admin/user/create", user_form("ann", NEW_PASSWORD, roles=[str(staff)])
    )
    assert created.status_code == 302, created.text
    ann = user("ann")
    assert ann.password.startswith("$argon2")
    assert ann.role_names == ["staff"] and ann.email == "ann@example.com"


def test_the_password_hash_is_never_displayed(root, clients) -> None:
    make_user("ann", email="ann@example.com", roles=["staff"])
    ann = user("ann")
    pages = [
        "/admin/user/list",
        f"/admin/user/details/{ann.id}",
        f"/admin/user/edit/{ann.id}",
        "/admin/user/export/csv",
        "/admin/user/export/json",
        "/admin/user/list?search=ann",
    ]
    root.post_form(f"/admin/user/edit/{ann.id}", user_form("ann", NEW_PASSWORD))
    ann = user("ann")
    [entry_id] = re.findall(
        r'<input type="hidden" value="(\d+)">', root.get("/admin/log-entry/list").text
    )
    pages += ["/admin/log-entry/list", f"/admin/log-entry/details/{entry_id}"]
    pages += ["/admin/log-entry/export/csv"]
    for page in pages:
        text = root.get(page).text
        assert ann.password not in text, page
        assert "$argon2" not in text and "session_version" not in text, page
    entry = root.get("/admin/log-entry/list").text
    assert "ann" in entry


def test_a_new_password_logs_in_and_ends_the_users_other_sessions(root, clients) -> None:
    make_user("sam", roles=["staff"])
    sam = user("sam")
    old_session = clients()
    assert old_session.login("sam").status_code == 303
    roles = [str(role.id) for role in sam.roles]
    form = user_form("sam", NEW_PASSWORD, roles=roles)
    changed = root.post_form(f"/admin/user/edit/{sam.id}", form)
    assert changed.status_code == 302, changed.text
    assert old_session.get("/admin/", follow_redirects=False).status_code == 303
    assert clients().login("sam", PASSWORD).status_code == 400
    assert clients().login("sam", NEW_PASSWORD).status_code == 303
    kept = root.post_form(f"/admin/user/edit/{sam.id}", user_form("sam", roles=roles))
    assert kept.status_code == 302
    assert clients().login("sam", NEW_PASSWORD).status_code == 303  # empty fields keep it


def test_deactivating_a_user_ends_their_sessions(root, clients) -> None:
    make_user("sam", roles=["staff"])
    make_user("kim", roles=["staff"])
    sam_session, kim_session = clients(), clients()
    assert sam_session.login("sam").status_code == 303
    assert kim_session.login("kim").status_code == 303
    sam, kim = user("sam"), user("kim")
    deactivated = root.client.post(
        "/admin/user/action/deactivate",
        data={"pks": str(sam.id), "csrf_token": root.token()},
        follow_redirects=False,
    )
    assert deactivated.status_code == 303
    assert user("sam").is_active is False
    assert sam_session.get("/admin/", follow_redirects=False).status_code == 303
    assert kim_session.get("/admin/").status_code == 200
    form = user_form("kim", roles=[str(role.id) for role in kim.roles])
    del form["is_active"]  # the checkbox left unticked
    assert root.post_form(f"/admin/user/edit/{kim.id}", form).status_code == 302
    assert kim_session.get("/admin/", follow_redirects=False).status_code == 303
    assert clients().login("kim").status_code == 400


def test_roles_are_assigned_in_the_user_form(root, clients) -> None:
    make_user("sam")
    sam = user("sam")
    assert clients().login("sam").status_code == 400
    staff = role_id("staff")
    form = user_form("sam", roles=[str(staff)])
    assert root.post_form(f"/admin/user/edit/{sam.id}", form).status_code == 302
    assert user("sam").role_names == ["staff"]
    assert clients().login("sam").status_code == 303
    entry = root.get("/admin/log-entry/list?search=sam")
    assert "update" in entry.text


def test_an_api_token_is_shown_once_and_revoked(root) -> None:
    from framework import db
    from framework.contrib.auth.tokens import user_for_token

    make_user("bot")
    bot = user("bot")
    page = root.get("/admin/api-token/create")
    assert page.status_code == 200
    issued = root.client.post(
        "/admin/api-token/create",
        data={"user": str(bot.id), "name": "ci", "csrf_token": csrf_of(page.text), "save": "Save"},
    )
    assert issued.status_code == 200
    assert issued.headers["cache-control"].startswith("no-store")
    plain = re.search(r'value="([0-9a-f]{16}\.[A-Za-z0-9_-]+)"', issued.text).group(1)

    async def owner(value: str) -> Any:
        async with db.session():
            found = await user_for_token(value)
            return found.username if found else None

    assert run(owner, plain) == "bot"
    listing = root.get("/admin/api-token/list").text
    key, secret = plain.split(".")
    assert key in listing and secret not in listing
    [row_id] = re.findall(r'<input type="hidden" value="(\d+)">', listing)
    assert root.get(f"/admin/api-token/edit/{row_id}").status_code == 403  # never edited
    details = root.get(f"/admin/api-token/details/{row_id}").text
    assert secret not in details and "Digest" not in details
    revoked = root.client.post(
        "/admin/api-token/action/revoke",
        data={"pks": row_id, "csrf_token": root.token()},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    assert run(owner, plain) is None


def test_deleting_a_user_deletes_their_tokens_and_is_logged(root) -> None:
    from sqlalchemy import func, select

    from framework import db
    from framework.contrib.auth.models import APIToken
    from tests.contrib.auth.helpers import make_token

    make_user("bot", roles=["staff"])
    make_token("bot")
    bot = user("bot")
    response = root.client.delete(
        f"/admin/user/delete?pks={bot.id}", headers={"X-CSRF-Token": root.token()}
    )
    assert response.status_code == 200, response.text
    assert user("bot") is None

    async def tokens() -> int:
        async with db.session() as session:
            return (await session.execute(select(func.count()).select_from(APIToken))).scalar()

    assert run(tokens) == 0
    assert "delete" in root.get("/admin/log-entry/list?search=bot").text


def test_the_csv_export_names_the_roles_as_the_json_export_does(root) -> None:
    make_user("ann", email="ann@example.com", roles=["staff", "editor"])
    rows = list(csv.DictReader(io.StringIO(root.get("/admin/user/export/csv").text)))
    [ann] = [row for row in rows if row["username"] == "ann"]
    assert sorted(ann["roles"].split(", ")) == ["editor", "staff"]
    exported = {row["username"]: row for row in root.get("/admin/user/export/json").json()}["ann"]
    assert sorted(exported["roles"]) == ["editor", "staff"]


def test_date_joined_and_last_login_are_shown_never_written(root) -> None:
    make_user("ann")
    ann = user("ann")
    form = root.get(f"/admin/user/edit/{ann.id}").text
    for name in ("date_joined", "last_login"):
        [field] = re.findall(rf'<input[^>]* id="{name}"[^>]*>', form)
        assert " readonly" in field and " disabled" in field, field
    dates = {"date_joined": "2001-01-01 00:00:00", "last_login": "2002-01-01 00:00:00"}
    edited = root.post_form(f"/admin/user/edit/{ann.id}", user_form("ann", **dates))
    assert edited.status_code == 302, edited.text
    after = user("ann")
    assert (after.date_joined, after.last_login) == (ann.date_joined, None)
