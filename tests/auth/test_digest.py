"""Digest authentication: the handshake, HA1 storage, replayed and stale nonces, realm/URI."""

from __future__ import annotations

import hashlib
import hmac

import httpx
import pytest

from framework.auth import DigestAuth, authenticate, digest_ha1
from framework.auth import digest as digest_module
from framework.testing import TestClient
from framework.web import App

USERS = {"john": "hunter2-long"}


def make_app(backend: DigestAuth) -> App:
    app = App()

    @app.get("/greet")
    @authenticate(backend)
    async def greet(request):
        return {"user": request.state.user}

    return app


def plain_backend(**options) -> DigestAuth:
    backend = DigestAuth(**options)
    backend.get_password(lambda username: USERS.get(username))
    return backend


def challenge_params(response: httpx.Response) -> dict[str, str]:
    from urllib.request import parse_http_list, parse_keqv_list

    scheme, _, rest = response.headers["www-authenticate"].partition(" ")
    assert scheme == "Digest"
    return parse_keqv_list(parse_http_list(rest))


def authorization(
    params: dict[str, str],
    username: str,
    password: str,
    uri: str,
    nc: int = 1,
    realm: str | None = None,
) -> str:
    realm = realm or params["realm"]
    ha1 = hashlib.md5(f"{username}:{realm}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"GET:{uri}".encode()).hexdigest()
    count = f"{nc:08x}"
    response = hashlib.md5(
        f"{ha1}:{params['nonce']}:{count}:abcdef:auth:{ha2}".encode()
    ).hexdigest()
    return (
        f'Digest username="{username}", realm="{realm}", nonce="{params["nonce"]}", '
        f'uri="{uri}", qop=auth, nc={count}, cnonce="abcdef", response="{response}", '
        f'opaque="{params["opaque"]}", algorithm=MD5'
    )


def test_httpx_digest_client_gets_in() -> None:
    with TestClient(make_app(plain_backend())) as client:
        response = client.get("/greet", auth=httpx.DigestAuth("john", USERS["john"]))
        assert response.json() == {"user": "john"}
        wrong = client.get("/greet", auth=httpx.DigestAuth("john", "nope"))
        unknown = client.get("/greet", auth=httpx.DigestAuth("nobody", "nope"))
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "Authentication required.", "errors": []}


def test_challenge_offers_qop_auth_and_a_fresh_nonce() -> None:
    with TestClient(make_app(plain_backend(realm="My App"))) as client:
        first, second = client.get("/greet"), client.get("/greet")
    params = challenge_params(first)
    assert params["realm"] == "My App" and params["qop"] == "auth"
    assert params["algorithm"] == "MD5" and "stale" not in params
    assert params["nonce"] != challenge_params(second)["nonce"]


def test_precomputed_ha1() -> None:
    backend = DigestAuth(realm="My App", use_ha1=True)
    backend.get_password(lambda username: digest_ha1(username, "My App", USERS[username]))
    with TestClient(make_app(backend)) as client:
        ok = client.get("/greet", auth=httpx.DigestAuth("john", USERS["john"]))
    assert ok.json() == {"user": "john"}
    assert digest_ha1("john", "My App", "x") == hashlib.md5(b"john:My App:x").hexdigest()


def test_replayed_request_is_rejected() -> None:
    with TestClient(make_app(plain_backend())) as client:
        params = challenge_params(client.get("/greet"))
        header = {"Authorization": authorization(params, "john", USERS["john"], "/greet")}
        assert client.get("/greet", headers=header).status_code == 200
        replay = client.get("/greet", headers=header)
        assert replay.status_code == 401
        assert "stale" not in challenge_params(replay)
        # The same nonce with the next count is a new request, and is accepted.
        following = authorization(params, "john", USERS["john"], "/greet", nc=2)
        assert client.get("/greet", headers={"Authorization": following}).status_code == 200


def test_stale_nonce_gets_stale_true(monkeypatch: pytest.MonkeyPatch) -> None:
    backend = plain_backend(nonce_max_age=60)
    with TestClient(make_app(backend)) as client:
        params = challenge_params(client.get("/greet"))
        now = digest_module.time.time()
        monkeypatch.setattr(digest_module.time, "time", lambda: now + 61)
        header = {"Authorization": authorization(params, "john", USERS["john"], "/greet")}
        stale = client.get("/greet", headers=header)
        assert stale.status_code == 401
        assert challenge_params(stale)["stale"] == "true"
        # A wrong password with a stale nonce is not "stale": the client must ask the user.
        wrong = {"Authorization": authorization(params, "john", "nope", "/greet")}
        assert "stale" not in challenge_params(client.get("/greet", headers=wrong))
        fresh = challenge_params(stale)
        retry = {"Authorization": authorization(fresh, "john", USERS["john"], "/greet")}
        assert client.get("/greet", headers=retry).status_code == 200


def test_forged_nonce_wrong_realm_and_wrong_uri_are_rejected() -> None:
    with TestClient(make_app(plain_backend())) as client:
        params = challenge_params(client.get("/greet"))
        forged = dict(params, nonce=params["nonce"][:-4] + "0000")
        for header in (
            authorization(forged, "john", USERS["john"], "/greet"),
            authorization(params, "john", USERS["john"], "/greet", realm="Other"),
            authorization(params, "john", USERS["john"], "/elsewhere"),
            authorization(params, "john", USERS["john"], "/greet").replace("nc=00000001", "nc=zz"),
            'Digest username="john"',
            "Digest garbage",
        ):
            response = client.get("/greet", headers={"Authorization": header})
            assert response.status_code == 401, header


def test_custom_nonce_and_opaque_functions() -> None:
    nonce, opaque = "37e9292aecca04bd7e834e3e983f5d4", "f8bf1725d7a942c6511cc7ed38c169f0"
    backend = plain_backend()
    backend.generate_nonce(lambda request: nonce)
    backend.verify_nonce(lambda request, value: hmac.compare_digest(nonce, value))

    @backend.generate_opaque
    async def gen_opaque(request):
        return opaque

    @backend.verify_opaque
    async def ver_opaque(request, value):
        return hmac.compare_digest(opaque, value)

    with TestClient(make_app(backend)) as client:
        params = challenge_params(client.get("/greet"))
        assert (params["nonce"], params["opaque"]) == (nonce, opaque)
        assert client.get("/greet", auth=httpx.DigestAuth("john", USERS["john"])).status_code == 200
        wrong = dict(params, opaque="0" * 32)
        header = authorization(wrong, "john", USERS["john"], "/greet", nc=7)
        assert client.get("/greet", headers={"Authorization": header}).status_code == 401


def test_sha256_and_load_user() -> None:
    backend = plain_backend(algorithm="SHA-256")
    backend.load_user(lambda username: {"name": username.upper()})
    app = App()

    @app.get("/who")
    @authenticate(backend)
    async def who(request):
        return request.state.user

    with TestClient(app) as client:
        assert client.get("/who", auth=httpx.DigestAuth("john", USERS["john"])).json() == {
            "name": "JOHN"
        }
    with pytest.raises(ValueError):
        DigestAuth(algorithm="SHA-1")
