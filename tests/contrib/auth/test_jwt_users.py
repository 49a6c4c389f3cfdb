"""JWTs of contrib.auth users: the login endpoint, the command, revocation, roles."""

from __future__ import annotations

import pytest

from framework.cli import call_command
from framework.exceptions import CommandError
from framework.testing import TestClient

from .helpers import PASSWORD, in_session, make_user

pytestmark = pytest.mark.usefixtures("auth_db")


@pytest.fixture
def client():
    from framework.web import get_asgi_application

    with TestClient(get_asgi_application()) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(client, username: str = "alice", password: str = PASSWORD):
    return client.post("/api/jwt-login", json={"username": username, "password": password})


def test_login_endpoint_issues_a_token_the_backend_accepts(client) -> None:
    make_user("alice")
    response = login(client)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert client.get("/api/jwt", headers=bearer(body["access_token"])).json() == {"user": "alice"}


def test_wrong_password_and_unknown_user_get_the_same_401(client) -> None:
    make_user("alice")
    wrong, unknown = login(client, password="nope"), login(client, username="nobody")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert client.post("/api/jwt-login", json=["alice"]).status_code == 400


def test_password_change_and_deactivation_revoke_tokens(client) -> None:
    from framework.contrib.auth.users import find_user, set_active, set_password

    make_user("alice")
    token = login(client).json()["access_token"]
    user = in_session(find_user, "alice")
    in_session(set_password, user, "another-long-passphrase-9")
    assert client.get("/api/jwt", headers=bearer(token)).status_code == 401
    fresh = login(client, password="another-long-passphrase-9").json()["access_token"]
    assert client.get("/api/jwt", headers=bearer(fresh)).status_code == 200
    in_session(set_active, in_session(find_user, "alice"), False)
    assert client.get("/api/jwt", headers=bearer(fresh)).status_code == 401


def test_roles_come_from_the_database(client) -> None:
    make_user("alice")
    make_user("root", is_superuser=True)
    alice = login(client).json()["access_token"]
    root = login(client, "root").json()["access_token"]
    assert client.get("/api/jwt-admin", headers=bearer(alice)).status_code == 403
    assert client.get("/api/jwt-admin", headers=bearer(root)).status_code == 200


def test_users_jwt_command(client, capsys) -> None:
    make_user("alice")
    call_command("users", "jwt", "alice", "--lifetime", "60")
    token = capsys.readouterr().out.strip()
    assert client.get("/api/jwt", headers=bearer(token)).json() == {"user": "alice"}
    from framework.auth import decode_jwt

    claims = decode_jwt(token)
    assert claims["exp"] - claims["iat"] == 60 and claims["username"] == "alice"
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        call_command("users", "jwt", "nobody")
    make_user("bob", is_active=False)
    with pytest.raises(CommandError, match="User 'bob' is inactive"):
        call_command("users", "jwt", "bob")


def test_a_forged_subject_is_refused(client) -> None:
    from framework.auth import create_jwt

    make_user("alice")
    make_user("root", is_superuser=True)
    alice = login(client).json()["access_token"]
    from framework.auth import decode_jwt

    claims = decode_jwt(alice)
    forged = create_jwt({**claims, "sub": "2"})  # signed, but alice's fingerprint
    assert client.get("/api/jwt", headers=bearer(forged)).status_code == 401
