"""LOGIN_THROTTLE on the built-in login views and Basic auth; SECRET_KEY_FALLBACKS rotation."""

from __future__ import annotations

import pytest

from framework.conf import settings
from framework.testing import TestClient

from .helpers import PASSWORD, basic, make_user
from .test_login import login

pytestmark = pytest.mark.usefixtures("auth_db")


@pytest.fixture
def client():
    from framework.web import get_asgi_application

    with TestClient(get_asgi_application(), follow_redirects=False) as test_client:
        yield test_client


def json_login(client, username: str, password: str):
    client.cookies.clear()  # a fresh client each time (a session cookie would need CSRF)
    return client.post("/login", json={"username": username, "password": password})


def test_at_the_limit_wrong_passwords_get_401(client) -> None:
    make_user("alice")
    assert [json_login(client, "alice", "wrong").status_code for _ in range(5)] == [401] * 5


def test_over_the_limit_even_the_right_password_gets_429(client) -> None:
    make_user("alice")
    for _ in range(5):
        json_login(client, "alice", "wrong")
    refused = json_login(client, "alice", PASSWORD)
    assert refused.status_code == 429
    retry = refused.headers["retry-after"]
    assert 1 <= int(retry) <= 60
    assert refused.json()["detail"] == (
        f"Too many login attempts: the limit is 5 per 1 minute. Try again in {retry} seconds."
    )
    assert "session" not in refused.cookies


def test_successful_logins_do_not_count(client) -> None:
    make_user("alice")
    assert {json_login(client, "alice", PASSWORD).status_code for _ in range(8)} == {200}


def test_the_form_login_is_throttled_too(client) -> None:
    make_user("alice")
    codes = [login(client, "alice", "wrong").status_code for _ in range(6)]
    assert codes == [400] * 5 + [429]


def test_one_client_guessing_many_usernames_is_throttled_by_ip(client) -> None:
    codes = [json_login(client, f"user{n}", "guess").status_code for n in range(6)]
    assert codes == [401] * 5 + [429]


def test_throttling_off_when_the_setting_is_empty(client) -> None:
    make_user("alice")
    with settings.override(LOGIN_THROTTLE=""):
        assert {json_login(client, "alice", "wrong").status_code for _ in range(8)} == {401}


def test_basic_auth_failures_are_throttled_but_valid_credentials_never(client) -> None:
    make_user("alice")
    assert {
        client.get("/api/basic", headers=basic("alice", PASSWORD)).status_code for _ in range(8)
    } == {200}
    wrong = [client.get("/api/basic", headers=basic("alice", "nope")).status_code for _ in range(6)]
    assert wrong == [401] * 5 + [429]
    assert client.get("/api/basic", headers=basic("alice", PASSWORD)).status_code == 429


def test_logins_are_refused_when_the_throttle_cannot_count(client) -> None:
    make_user("alice")
    caches = {
        "default": {"BACKEND": "locmem"},
        "security": {"BACKEND": "redis", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    with settings.override(CACHES=caches, RATELIMIT_CACHE="security"):
        refused = json_login(client, "alice", PASSWORD)
        basic_refused = client.get("/api/basic", headers=basic("alice", PASSWORD))
    assert refused.status_code == basic_refused.status_code == 503
    assert refused.json()["detail"] == "Logging in is unavailable right now; try again shortly."


def _dashboard(cookies) -> int:
    """GET /dashboard with *cookies* on an app built under the current settings."""
    from framework.web import get_asgi_application

    with TestClient(get_asgi_application(), follow_redirects=False) as fresh:
        fresh.cookies.update(cookies)
        return fresh.get("/dashboard").status_code


def test_a_key_rotation_with_fallbacks_logs_nobody_out(client) -> None:
    make_user("alice")
    assert login(client, remember="on").status_code == 303
    session_only = {"session": client.cookies["session"]}
    remembered = {"remember_token": client.cookies["remember_token"]}
    old = settings.SECRET_KEY
    new = "rotated-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    with settings.override(SECRET_KEY=new, SECRET_KEY_FALLBACKS=[old]):
        assert _dashboard(session_only) == 200
        assert _dashboard(remembered) == 200
    with settings.override(SECRET_KEY=new):  # the old key dropped: its cookies are void
        assert _dashboard(session_only) == 401
        assert _dashboard(remembered) == 401


def test_token_issue_is_throttled_too(client) -> None:
    make_user("alice")
    issue = "/api/jwt-login"
    ok = client.post(issue, json={"username": "alice", "password": PASSWORD})
    assert ok.status_code == 200 and ok.json()["token_type"] == "bearer"
    wrong = [
        client.post(issue, json={"username": "alice", "password": "nope"}).status_code
        for _ in range(6)
    ]
    assert wrong == [401] * 5 + [429]
