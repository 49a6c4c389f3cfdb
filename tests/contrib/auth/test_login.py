"""Session login through the built-in views: fixation, revocation, remember-me, fresh logins,
roles, CSRF and open redirects — on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

from framework.testing import TestClient
from tests.support.hashing import spy_on_hashing

from .helpers import PASSWORD, in_session, make_user

pytestmark = pytest.mark.usefixtures("auth_db")

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def client():
    from framework.web import get_asgi_application

    with TestClient(get_asgi_application(), follow_redirects=False) as test_client:
        yield test_client


def form_token(client, path: str = "/login") -> str:
    page = client.get(path)
    assert page.status_code == 200
    match = TOKEN.search(page.text)
    assert match is not None, page.text
    return match.group(1)


def login(client, username: str = "alice", password: str = PASSWORD, **extra: str):
    data = {"username": username, "password": password, "csrf_token": form_token(client)}
    return client.post("/login", data={**data, **extra})


def session_cookie(client) -> str:
    return client.cookies["session"]


def test_login_form_then_protected_page(client) -> None:
    make_user("alice")
    response = login(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    assert client.get("/dashboard").json() == {"user": "alice"}


def test_login_records_last_login(client) -> None:
    from framework.contrib.auth.users import find_user

    make_user("alice")
    login(client)
    assert in_session(find_user, "alice").last_login is not None


def test_wrong_password_and_unknown_user_get_the_same_page(client) -> None:
    make_user("alice")
    wrong = login(client, "alice", "wrong-password")
    unknown = login(client, "mallory", PASSWORD)
    assert wrong.status_code == unknown.status_code == 400
    assert "Please enter a correct username and password." in wrong.text
    assert TOKEN.sub("", wrong.text) == TOKEN.sub("", unknown.text)
    assert client.get("/dashboard", headers={"accept": "application/json"}).status_code == 401


def test_json_login_and_same_answer_for_unknown_users(client) -> None:
    make_user("alice")
    wrong = client.post("/login", json={"username": "alice", "password": "nope"})
    unknown = client.post("/login", json={"username": "nobody", "password": "nope"})
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.json() == {
            "detail": "Please enter a correct username and password.",
            "errors": [],
        }
    ok = client.post("/login", json={"username": "alice", "password": PASSWORD})
    assert ok.status_code == 200
    body = ok.json()
    assert body["user"]["username"] == "alice" and body["user"]["roles"] == []
    assert client.get("/dashboard").json() == {"user": "alice"}
    # The token it returns is what the next unsafe request needs.
    posted = client.post(
        "/notes", data={"text": "hi"}, headers={"X-CSRF-Token": body["csrf_token"]}
    )
    assert posted.status_code == 200


def test_one_megabyte_password_is_refused_fast(client, monkeypatch) -> None:
    make_user("alice")
    spy = spy_on_hashing(monkeypatch)  # refused before any hashing: no costly work at all
    response = client.post("/login", json={"username": "alice", "password": "x" * 1024 * 1024})
    assert response.status_code == 400
    assert response.json()["detail"] == "The password is too long: the limit is 4096 bytes."
    assert spy.calls == []
    form = login(client, "alice", "x" * (1024 * 1024 - 200))
    assert form.status_code == 400
    assert "The password is too long: the limit is 4096 bytes." in form.text
    assert spy.calls == []


def test_session_fixation_a_planted_session_is_replaced_at_login(client) -> None:
    make_user("alice")
    planted_id = client.get("/session").json()["id"]
    planted_cookie = session_cookie(client)
    login(client)
    assert client.get("/session").json()["id"] != planted_id
    # The attacker's copy of the pre-login cookie is not logged in.
    client.cookies.clear()
    client.cookies.set("session", planted_cookie)
    assert client.get("/dashboard", headers={"accept": "application/json"}).status_code == 401


def test_cookie_replayed_after_logout_is_rejected(client) -> None:
    make_user("alice")
    login(client)
    stolen = session_cookie(client)
    token = form_token(client)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    client.cookies.clear()
    client.cookies.set("session", stolen)
    response = client.get("/dashboard", headers={"accept": "application/json"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required.", "errors": []}
    # The rejected cookie is deleted.
    assert response.headers["set-cookie"].startswith("session=;")


def test_cookie_replayed_after_a_password_change_is_rejected(client) -> None:
    from framework.contrib.auth.users import get_user, set_password

    make_user("alice")
    login(client)
    assert client.get("/dashboard").status_code == 200

    async def change() -> None:
        await set_password(await get_user("alice"), "another-long-passphrase")

    in_session(change)
    assert client.get("/dashboard", headers={"accept": "application/json"}).status_code == 401


def test_deactivated_user_is_logged_out(client) -> None:
    from framework.contrib.auth.users import get_user, set_active

    make_user("alice")
    login(client)

    async def deactivate() -> None:
        await set_active(await get_user("alice"), False)

    in_session(deactivate)
    assert client.get("/dashboard", headers={"accept": "application/json"}).status_code == 401


def test_tampered_session_cookie_is_anonymous_and_cleared(client) -> None:
    make_user("alice")
    login(client)
    cookie = session_cookie(client)
    client.cookies.set("session", cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB"))
    response = client.get("/dashboard", headers={"accept": "application/json"})
    assert response.status_code == 401


def test_browsers_are_redirected_to_the_login_page_with_next(client) -> None:
    response = client.get("/dashboard?tab=1", headers={"accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fdashboard%3Ftab%3D1"


def test_login_goes_to_a_safe_next(client) -> None:
    make_user("alice")
    response = login(client, next="/reports?x=1")
    assert response.headers["location"] == "/reports?x=1"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "https://evil.com/",
        "https:evil.com",
        "javascript:alert(1)",
        " javascript:alert(1)",
        "http://localhost.evil.com/",
        "/\t/evil.com",
    ],
)
def test_open_redirects_go_to_the_default(client, target: str) -> None:
    make_user("alice")
    response = login(client, next=target)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    page = client.get("/login", params={"next": target})
    assert 'name="next" value=""' in page.text


def test_remember_me_restores_a_login_that_is_not_fresh(client) -> None:
    make_user("alice")
    response = login(client, remember="on")
    remember = response.cookies["remember_token"]
    assert "max-age=2592000" in response.headers["set-cookie"].lower().replace(" ", "")
    assert client.get("/account").status_code == 200  # fresh after a password login
    client.cookies.clear()
    client.cookies.set("remember_token", remember)
    assert client.get("/dashboard").json() == {"user": "alice"}
    stale = client.get("/account", headers={"accept": "application/json"})
    assert stale.status_code == 401
    assert stale.json() == {"detail": "Please log in again to continue.", "errors": []}
    assert client.get("/account", headers={"accept": "text/html"}).headers["location"] == (
        "/login?next=%2Faccount"
    )


def test_remember_me_cookie_is_void_after_logout(client) -> None:
    make_user("alice")
    remember = login(client, remember="on").cookies["remember_token"]
    logout = client.post("/logout", data={"csrf_token": form_token(client)})
    deleted = logout.headers.get_list("set-cookie")[0]
    assert deleted.startswith('remember_token=""; ') and "Max-Age=0" in deleted
    client.cookies.clear()
    client.cookies.set("remember_token", remember)
    assert client.get("/dashboard", headers={"accept": "application/json"}).status_code == 401


def test_roles_all_of_a_set_are_needed(client) -> None:
    make_user("ed", roles=["editor"])
    make_user("both", roles=["editor", "ops"])
    login(client, "ed")
    refused = client.get("/reports")
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "You do not have the role this page requires.",
        "errors": [],
    }
    client.cookies.clear()
    login(client, "both")
    assert client.get("/reports").status_code == 200


def test_post_without_csrf_token_is_refused_without_side_effect(client) -> None:
    from tests.fixtures.authproject.authsite.controllers import NOTES

    make_user("alice")
    login(client)
    refused = client.post("/notes", data={"text": "forged"})
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("CSRF check failed: the request has no CSRF token.")
    wrong = client.post("/notes", data={"text": "forged", "csrf_token": "x" * 86})
    assert wrong.status_code == 403
    foreign = client.post(
        "/notes",
        data={"text": "forged", "csrf_token": form_token(client)},
        headers={"origin": "https://evil.com"},
    )
    assert foreign.status_code == 403
    assert NOTES == []
    ok = client.post("/notes", data={"text": "mine", "csrf_token": form_token(client)})
    assert ok.status_code == 200
    assert NOTES == ["mine"]


def test_cross_site_login_form_without_a_cookie_is_refused(client) -> None:
    make_user("alice")
    # Login CSRF: another site's form posts the attacker's credentials (no cookie is sent).
    response = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert response.status_code == 403
    assert "session" not in client.cookies
