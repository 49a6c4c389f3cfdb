"""Password reset through the built-in views, on SQLite and PostgreSQL (mail in the outbox)."""

from __future__ import annotations

import re
import time

import pytest

from framework.conf import settings
from framework.testing import TestClient
from framework.testing.mail import outbox

from .helpers import PASSWORD, in_session, make_user

pytestmark = pytest.mark.usefixtures("auth_db")

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK = re.compile(r"https://localhost(/password-reset/[\w-]+/[\w-]+)")
NEW_PASSWORD = "a-brand-new-passphrase-77"


@pytest.fixture
def app():
    from framework.web import get_asgi_application

    with settings.override(EMAIL_BACKEND="locmem"):
        yield get_asgi_application()


@pytest.fixture
def client(app):
    """A browser: it keeps the session cookie, so its posts need the CSRF token."""
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def api(app):
    """An API client: JSON, no cookies."""
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def csrf(client, path: str) -> str:
    page = client.get(path)
    match = TOKEN.search(page.text)
    assert match is not None, page.text
    return match.group(1)


def ask(client, email: str):
    return client.post(
        "/password-reset", data={"email": email, "csrf_token": csrf(client, "/password-reset")}
    )


def link_from_outbox() -> str:
    (message,) = outbox
    match = LINK.search(message.body)
    assert match is not None, message.body
    html = message.alternatives[0][0]
    assert match.group(1) in html
    return match.group(1)


def test_the_whole_flow_with_forms(client) -> None:
    make_user("alice", email="alice@example.com")
    response = ask(client, "Alice@Example.com")
    assert response.status_code == 200
    assert "If an account uses that address" in response.text
    assert [m.to for m in outbox] == [["alice@example.com"]]
    assert outbox[0].subject == "Reset your password on https://localhost"
    link = link_from_outbox()
    page = client.get(link)
    assert page.status_code == 200 and 'name="new_password1"' in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    token = TOKEN.search(page.text).group(1)
    form = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "csrf_token": token}
    done = client.post(link, data=form)
    assert done.status_code == 200 and "Your password has been set" in done.text
    from framework.contrib.auth.users import authenticate_user

    assert in_session(authenticate_user, "alice", NEW_PASSWORD) is not None
    assert in_session(authenticate_user, "alice", PASSWORD) is None
    again = client.get(link)
    assert again.status_code == 400 and "invalid, used or expired" in again.text
    assert client.post(link, data=form).status_code == 400


def test_unknown_address_gets_the_same_answer_and_no_mail(client, api) -> None:
    make_user("alice", email="alice@example.com")
    known = ask(client, "alice@example.com")
    unknown = ask(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    strip = lambda text: TOKEN.sub("", text)  # noqa: E731 - the CSRF token differs per page
    assert strip(known.text) == strip(unknown.text)
    assert len(outbox) == 1
    json_known = api.post("/password-reset", json={"email": "alice@example.com"})
    json_unknown = api.post("/password-reset", json={"email": "nobody@example.com"})
    assert json_known.status_code == json_unknown.status_code == 202
    assert json_known.json() == json_unknown.json()
    assert len(outbox) == 2


def test_inactive_users_and_users_without_a_password_get_no_mail(api) -> None:
    make_user("bob", email="bob@example.com", is_active=False)
    make_user("carol", email="carol@example.com", password=None)
    for address in ("bob@example.com", "carol@example.com"):
        assert api.post("/password-reset", json={"email": address}).status_code == 202
    assert outbox == []


def test_json_flow_with_validation(api) -> None:
    client = api
    make_user("alice", email="alice@example.com")
    client.post("/password-reset", json={"email": "alice@example.com"})
    link = link_from_outbox()
    weak = client.post(link, json={"password": "12345678"})
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["loc"] == ["body", "password"]
    assert "too common" in weak.json()["detail"]
    similar = client.post(link, json={"password": "alice-example-com"})
    assert similar.status_code == 422
    ok = client.post(link, json={"password": NEW_PASSWORD})
    assert ok.status_code == 200 and ok.json() == {
        "detail": "Your password has been set: log in with it."
    }
    assert client.post(link, json={"password": NEW_PASSWORD + "x"}).status_code == 400


def test_mismatched_passwords_are_refused(client, api) -> None:
    make_user("alice", email="alice@example.com")
    api.post("/password-reset", json={"email": "alice@example.com"})
    link = link_from_outbox()
    token = csrf(client, link)
    form = {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "!", "csrf_token": token}
    response = client.post(link, data=form)
    assert response.status_code == 400 and "do not match" in response.text
    assert client.get(link).status_code == 200  # not spent


def test_existing_sessions_end_after_the_reset(client, api) -> None:
    make_user("alice", email="alice@example.com")
    login = {"username": "alice", "password": PASSWORD, "csrf_token": csrf(client, "/login")}
    assert client.post("/login", data=login).status_code == 303
    assert client.get("/dashboard").status_code == 200
    assert api.post("/password-reset", json={"email": "alice@example.com"}).status_code == 202
    assert api.post(link_from_outbox(), json={"password": NEW_PASSWORD}).status_code == 200
    assert client.get("/dashboard").status_code in (302, 303, 401)


def test_a_login_spends_the_link(api) -> None:
    make_user("alice", email="alice@example.com")
    api.post("/password-reset", json={"email": "alice@example.com"})
    link = link_from_outbox()
    assert api.get(link).status_code == 200
    api.cookies.clear()  # the form page started a session; an API client has none
    assert api.post("/login", json={"username": "alice", "password": PASSWORD}).status_code == 200
    assert api.get(link).status_code == 400


def test_links_expire(client) -> None:
    from framework.contrib.auth.passwordreset import check_reset_token, make_reset_token
    from framework.contrib.auth.users import find_user

    make_user("alice", email="alice@example.com")
    user = in_session(find_user, "alice")
    issued = int(time.time()) - 3600
    token = make_reset_token(user, now=issued)
    with settings.override(PASSWORD_RESET_TIMEOUT=3599):
        assert not check_reset_token(user, token)
    with settings.override(PASSWORD_RESET_TIMEOUT=3600):
        assert check_reset_token(user, token, now=issued + 3600)
        assert not check_reset_token(user, token, now=issued + 3601)
    assert not check_reset_token(user, make_reset_token(user, now=time.time() + 60))  # future


def test_a_link_made_before_a_key_rotation_works_while_the_old_key_is_a_fallback() -> None:
    from framework.contrib.auth.passwordreset import check_reset_token, make_reset_token
    from framework.contrib.auth.users import find_user

    make_user("alice", email="alice@example.com")
    user = in_session(find_user, "alice")
    token = make_reset_token(user)
    old, new = settings.SECRET_KEY, "rotated-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    with settings.override(SECRET_KEY=new, SECRET_KEY_FALLBACKS=[old]):
        assert check_reset_token(user, token)
        assert make_reset_token(user) != token  # new links are signed with the new key
    with settings.override(SECRET_KEY=new):  # the old key dropped: its links are void
        assert not check_reset_token(user, token)


def test_a_form_opened_before_a_key_rotation_still_posts(client) -> None:
    """The CSRF token lives in the session cookie, which a fallback key still reads."""
    from framework.web import get_asgi_application

    form = {"email": "nobody@example.com", "csrf_token": csrf(client, "/password-reset")}
    cookies = {"session": client.cookies["session"]}
    old, new = settings.SECRET_KEY, "rotated-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    for fallbacks, status in (([old], 200), ([], 403)):  # the old key dropped: session void
        with (
            settings.override(SECRET_KEY=new, SECRET_KEY_FALLBACKS=fallbacks),
            TestClient(get_asgi_application(), follow_redirects=False) as fresh,
        ):
            fresh.cookies.update(cookies)
            assert fresh.post("/password-reset", data=form).status_code == status


@pytest.mark.parametrize(
    "link",
    [
        "/password-reset/MQ/bogus",
        "/password-reset/MQ/0-" + "0" * 40,
        "/password-reset/!!!/abc-def",
        "/password-reset/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk/abc-def",
        "/password-reset/" + "A" * 500 + "/" + "b" * 500,
    ],
)
def test_forged_links_are_400_never_500(api, link: str) -> None:
    make_user("alice", email="alice@example.com")
    assert api.get(link).status_code == 400
    assert api.post(link, json={"password": NEW_PASSWORD}).status_code == 400


def test_form_post_without_csrf_token_is_403_and_sends_nothing(api) -> None:
    make_user("alice", email="alice@example.com")
    response = api.post("/password-reset", data={"email": "alice@example.com"})
    assert response.status_code == 403
    assert outbox == []


def test_site_url_sets_the_link_host() -> None:
    from framework.web import get_asgi_application

    make_user("alice", email="alice@example.com")
    with (
        settings.override(SITE_URL="https://accounts.example.com", EMAIL_BACKEND="locmem"),
        TestClient(get_asgi_application()) as other,
    ):
        other.post("/password-reset", json={"email": "alice@example.com"})
    assert "https://accounts.example.com/password-reset/" in outbox[0].body
