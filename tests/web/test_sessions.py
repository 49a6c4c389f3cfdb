"""Signed-cookie sessions: flags, Vary, rotation, clearing, and every kind of bad cookie."""

from __future__ import annotations

import base64
import hashlib
import logging
import time
from typing import Any

import itsdangerous
import pytest

from framework.conf import settings
from framework.testing import TestClient
from framework.web import App, Request
from framework.web.sessions import MAX_COOKIE_SIZE, Session, SessionMiddleware

KEY = "session-tests-secret-key-0123456789-abcdefghijklmnop"


def session_app(**overrides: Any) -> App:
    # These tests are about the session cookie alone; CSRF has its own (tests/auth).
    without_csrf = [entry for entry in settings.MIDDLEWARE if not entry.endswith("CSRFMiddleware")]
    overrides.setdefault("MIDDLEWARE", without_csrf)
    with settings.override(SECRET_KEY=KEY, **overrides):
        app = App()

    @app.post("/login")
    async def login(request: Request) -> dict[str, Any]:
        request.session.rotate()
        request.session["user"] = "ann"
        return {"id": request.session.id}

    @app.get("/me")
    async def me(request: Request) -> dict[str, Any]:
        return {"user": request.session.get("user"), "id": request.session.id}

    @app.post("/logout")
    async def logout(request: Request) -> str:
        request.session.clear()
        return "bye"

    @app.get("/public")
    async def public(request: Request) -> str:
        return "no session touched"

    @app.post("/huge")
    async def huge(request: Request) -> str:
        request.session["blob"] = "x" * 5000
        return "tried"

    return app


def cookie_header(response: Any) -> str:
    return str(response.headers["set-cookie"])


def test_session_round_trip_with_secure_flags() -> None:
    with TestClient(session_app()) as client:
        login = client.post("/login")
        me = client.get("/me")
    header = cookie_header(login)
    assert header.startswith("session=")
    assert header.endswith("; Path=/; Max-Age=1209600; SameSite=Lax; Secure; HttpOnly")
    assert me.json() == {"user": "ann", "id": login.json()["id"]}
    assert me.headers["vary"] == "Cookie"
    assert "set-cookie" not in me.headers  # unchanged sessions are not re-sent


def test_cookie_is_not_secure_in_debug_and_settings_apply() -> None:
    app = session_app(
        DEBUG=True,
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_AGE=60,
        SESSION_COOKIE_SAMESITE="strict",
        SESSION_COOKIE_DOMAIN="localhost",
    )
    with TestClient(app) as client:
        header = cookie_header(client.post("/login"))
    assert header.startswith("sid=")
    assert header.endswith("; Path=/; Max-Age=60; Domain=localhost; SameSite=Strict; HttpOnly")


def test_secure_can_be_forced_off() -> None:
    with TestClient(session_app(SESSION_COOKIE_SECURE=False)) as client:
        assert "Secure" not in cookie_header(client.post("/login"))


def test_untouched_session_costs_nothing() -> None:
    with TestClient(session_app()) as client:
        client.post("/login")
        response = client.get("/public")
    assert "set-cookie" not in response.headers
    assert "vary" not in response.headers


def test_rotate_gives_a_new_id_and_keeps_data() -> None:
    with TestClient(session_app()) as client:
        first = client.post("/login").json()["id"]
        second = client.post("/login").json()["id"]
        assert client.get("/me").json() == {"user": "ann", "id": second}
    assert first != second


def test_session_fixation_cookie_set_before_login_is_replaced() -> None:
    with TestClient(session_app()) as client:
        before = client.get("/me").json()["id"]
        after = client.post("/login").json()["id"]
    assert before != after


def test_clear_drops_the_cookie() -> None:
    with TestClient(session_app()) as client:
        client.post("/login")
        response = client.post("/logout")
        assert client.get("/me").json()["user"] is None
    assert cookie_header(response).startswith("session=; Max-Age=0; Expires=Thu, 01 Jan 1970")


def forged(payload: bytes, key: str = KEY, timestamp: int | None = None) -> str:
    signer = itsdangerous.TimestampSigner(
        key, salt="framework.web.sessions", digest_method=hashlib.sha256
    )
    if timestamp is not None:
        signer.get_timestamp = lambda: timestamp  # type: ignore[method-assign]
    return signer.sign(payload).decode()


def valid_payload() -> bytes:
    return base64.urlsafe_b64encode(b'{"id":"abc","data":{"user":"mallory"}}')


@pytest.mark.parametrize(
    "cookie",
    [
        pytest.param("garbage", id="not-signed"),
        pytest.param(forged(valid_payload())[:-2] + "AA", id="tampered"),
        pytest.param(forged(valid_payload(), key="another-key-" * 4), id="foreign-key"),
        pytest.param(
            forged(valid_payload(), timestamp=int(time.time()) - 30 * 86400), id="expired"
        ),
        pytest.param(forged(b"!!!not-base64!!!"), id="non-base64"),
        pytest.param(forged(base64.urlsafe_b64encode(b"[1, 2]")), id="not-a-dict"),
        pytest.param(forged(base64.urlsafe_b64encode(b"{oops")), id="not-json"),
        pytest.param(
            forged(base64.urlsafe_b64encode(b'{"data": "' + b"x" * 5000 + b'"}')), id="oversized"
        ),
    ],
)
def test_bad_cookies_give_an_empty_session_and_are_cleared(cookie: str) -> None:
    with TestClient(session_app()) as client:
        response = client.get("/me", headers={"cookie": f"session={cookie}"})
    assert response.status_code == 200
    assert response.json()["user"] is None
    assert cookie_header(response).startswith("session=; Max-Age=0;")


def test_a_valid_forged_looking_cookie_is_accepted_only_with_the_key() -> None:
    with TestClient(session_app()) as client:
        response = client.get("/me", headers={"cookie": f"session={forged(valid_payload())}"})
    assert response.json() == {"user": "mallory", "id": "abc"}


def test_session_too_large_for_a_cookie_is_logged_not_sent(caplog: Any) -> None:
    with TestClient(session_app()) as client, caplog.at_level(logging.ERROR, "framework.web"):
        response = client.post("/huge")
    assert response.text == "tried"
    assert "set-cookie" not in response.headers
    assert caplog.records[0].getMessage() == (
        f"The session was not saved: its cookie would be {len(cookie_value_for_blob())} bytes, "
        f"more than the {MAX_COOKIE_SIZE} a browser keeps. Store less in request.session (ids, "
        "not objects)."
    )


def cookie_value_for_blob() -> str:
    middleware = SessionMiddleware(App(), KEY, secure=True)
    session = Session({"blob": "x" * 5000}, session_id="i" * 32)
    return f"session={middleware.encode(session)}{middleware.flags}"


def test_session_dict_tracks_changes() -> None:
    session = Session({"a": 1})
    assert not session.modified
    session.setdefault("a", 2)
    assert not session.modified
    session.pop("missing", None)
    assert not session.modified
    session.update(b=2)
    assert session.modified
    old = session.id
    session.clear()
    assert (dict(session), session.id != old) == ({}, True)


def test_secret_key_and_samesite_are_required() -> None:
    from framework.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured) as missing:
        SessionMiddleware(App(), "")
    assert str(missing.value) == "Sessions need a SECRET_KEY to sign the cookie; set one."
    with pytest.raises(ImproperlyConfigured) as samesite:
        SessionMiddleware(App(), KEY, same_site="sometimes")
    assert str(samesite.value) == (
        "SESSION_COOKIE_SAMESITE must be 'lax', 'strict' or 'none'; got 'sometimes'."
    )
