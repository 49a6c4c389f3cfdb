"""UserBasicAuth and UserTokenAuth against real users and tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from framework.testing import TestClient
from tests.support.hashing import spy_on_hashing

from .helpers import PASSWORD, basic, in_session, make_token, make_user

pytestmark = pytest.mark.usefixtures("auth_db")

UNAUTHORIZED = {"detail": "Authentication required.", "errors": []}
CHALLENGE = 'Basic realm="Authentication Required", charset="UTF-8"'


@pytest.fixture
def client():
    from framework.web import get_asgi_application

    with TestClient(get_asgi_application()) as test_client:
        yield test_client


def test_basic_auth_lets_a_user_in(client) -> None:
    make_user("alice")
    response = client.get("/api/basic", headers=basic("alice", PASSWORD))
    assert response.status_code == 200
    assert response.json() == {"user": "alice"}


def test_wrong_password_and_unknown_user_get_the_same_answer(client) -> None:
    make_user("alice")
    wrong = client.get("/api/basic", headers=basic("alice", "wrong-password"))
    unknown = client.get("/api/basic", headers=basic("mallory", PASSWORD))
    for response in (wrong, unknown):
        assert response.status_code == 401
        assert response.json() == UNAUTHORIZED
        assert response.headers["www-authenticate"] == CHALLENGE
    assert wrong.content == unknown.content


def test_unknown_user_takes_as_long_as_a_wrong_password(client, settings, monkeypatch) -> None:
    # The time a refusal takes is the password check it computes: the same check, at the
    # same cost, for an unknown user as for a wrong password (the spy sees what ran).
    settings.PASSWORD_SCHEME_OPTIONS = {"argon2": {"memory_cost": 16384, "time_cost": 2}}
    settings.LOGIN_THROTTLE = ""  # 15 failures from one client: measured, not throttled
    make_user("alice")
    spy = spy_on_hashing(monkeypatch)

    def work(headers: dict[str, str]) -> list[tuple[str, str]]:
        spy.clear()
        assert client.get("/api/basic", headers=headers).status_code == 401
        return list(spy.calls)

    work(basic("warm", "up"))  # the first unknown user also makes the dummy hash, once
    wrong, unknown = work(basic("alice", "nope")), work(basic("mallory", "nope"))
    assert wrong == unknown, (wrong, unknown)
    [(kind, cost)] = wrong
    assert kind == "verify" and cost.startswith("$argon2id$v=19$m=16384,t=2,"), cost


def test_inactive_user_is_refused(client) -> None:
    from framework.contrib.auth.users import get_user, set_active

    make_user("alice")
    in_session(lambda: _deactivate("alice", get_user, set_active))
    assert client.get("/api/basic", headers=basic("alice", PASSWORD)).status_code == 401


async def _deactivate(username, get_user, set_active) -> None:
    await set_active(await get_user(username), False)


def test_role_required_gives_403_without_it(client) -> None:
    make_user("alice")
    response = client.get("/api/admin", headers=basic("alice", PASSWORD))
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You do not have the role this resource requires.",
        "errors": [],
    }


def test_role_from_the_database_lets_in(client) -> None:
    make_user("alice", roles=["admin"])
    assert client.get("/api/admin", headers=basic("alice", PASSWORD)).status_code == 200


def test_superuser_meets_every_role(client) -> None:
    make_user("root", is_superuser=True)
    assert client.get("/api/admin", headers=basic("root", PASSWORD)).status_code == 200


def test_password_over_the_limit_is_refused_without_hashing(client, monkeypatch) -> None:
    make_user("alice")
    spy = spy_on_hashing(monkeypatch)
    response = client.get("/api/basic", headers=basic("alice", "x" * 5000))
    assert response.status_code == 401
    assert spy.calls == []


def test_hash_in_an_old_scheme_is_upgraded_at_login(client) -> None:
    from passlib.hash import pbkdf2_sha256

    from framework.contrib.auth.users import find_user

    user = make_user("alice")
    in_session(lambda: user.patch(password=pbkdf2_sha256.hash(PASSWORD)))
    assert client.get("/api/basic", headers=basic("alice", PASSWORD)).status_code == 200
    stored = in_session(find_user, "alice").password
    assert stored.startswith("$argon2id$")
    assert client.get("/api/basic", headers=basic("alice", PASSWORD)).status_code == 200


def test_bearer_token_lets_its_user_in(client) -> None:
    make_user("alice")
    token = make_token("alice")
    response = client.get("/api/token", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json() == {"user": "alice"}


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Bearer nodot", "Bearer abc.def", "Bearer .", "Basic abc", ""],
)
def test_malformed_or_unknown_tokens_get_401(client, header: str) -> None:
    make_user("alice")
    make_token("alice")
    response = client.get("/api/token", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    assert response.headers["www-authenticate"] == 'Bearer realm="Authentication Required"'


def test_token_with_a_wrong_secret_gets_401(client) -> None:
    make_user("alice")
    key, _, secret = make_token("alice").partition(".")
    forged = f"{key}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    assert (
        client.get("/api/token", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    )


def test_revoked_token_gets_401(client) -> None:
    from framework.contrib.auth.tokens import revoke_tokens
    from framework.contrib.auth.users import get_user

    make_user("alice")
    token = make_token("alice")
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/token", headers=headers).status_code == 200

    async def revoke() -> int:
        return await revoke_tokens(await get_user("alice"))

    assert in_session(revoke) == 1
    assert client.get("/api/token", headers=headers).status_code == 401


def test_expired_token_gets_401(client) -> None:
    from framework.contrib.auth.models import APIToken, utcnow

    make_user("alice")
    token = make_token("alice", expires_in=timedelta(days=1))
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/token", headers=headers).status_code == 200

    async def expire() -> None:
        row = await APIToken.find(key=token.partition(".")[0])
        await row.patch(expires_at=utcnow() - timedelta(seconds=1))

    in_session(expire)
    assert client.get("/api/token", headers=headers).status_code == 401


def test_tokens_are_stored_hashed() -> None:
    from framework.contrib.auth.models import APIToken
    from framework.contrib.auth.tokens import hash_token_secret

    make_user("alice")
    token = make_token("alice")
    key, _, secret = token.partition(".")
    row = in_session(lambda: APIToken.find(key=key))
    assert row.digest == hash_token_secret(secret)
    assert secret not in (row.digest, row.key)


def test_multi_auth_accepts_either_backend_with_roles(client) -> None:
    make_user("ed", roles=["editor"])
    make_user("bob")
    token = make_token("ed")
    assert client.get("/api/either", headers=basic("ed", PASSWORD)).status_code == 200
    ok = client.get("/api/either", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    assert client.get("/api/either", headers=basic("bob", PASSWORD)).status_code == 403
    anonymous = client.get("/api/either")
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="Authentication Required"'
