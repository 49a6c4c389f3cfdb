"""Digest state shared between processes: replays, key rotation, LOGIN_THROTTLE, outages."""

from __future__ import annotations

import httpx

from framework.conf import settings
from framework.testing import TestClient
from tests.support.redisserver import redis_database_url

from .conftest import KEY
from .test_digest import USERS, authorization, challenge_params, make_app, plain_backend


def test_a_request_replayed_to_another_server_is_refused() -> None:
    caches = {"default": {"BACKEND": "redis", "LOCATION": redis_database_url()}}
    # Two apps with their own backends: two servers sharing only the Redis cache.
    with (
        settings.override(CACHES=caches),
        TestClient(make_app(plain_backend())) as first,
        TestClient(make_app(plain_backend())) as second,
    ):
        params = challenge_params(first.get("/greet"))
        header = {"Authorization": authorization(params, "john", USERS["john"], "/greet")}
        assert first.get("/greet", headers=header).status_code == 200
        assert second.get("/greet", headers=header).status_code == 401
        following = authorization(params, "john", USERS["john"], "/greet", nc=2)
        assert second.get("/greet", headers={"Authorization": following}).status_code == 200


def test_nonces_signed_with_a_fallback_key_are_accepted_until_it_is_dropped() -> None:
    with TestClient(make_app(plain_backend())) as client:
        params = challenge_params(client.get("/greet"))
    header = {"Authorization": authorization(params, "john", USERS["john"], "/greet")}
    second = {"Authorization": authorization(params, "john", USERS["john"], "/greet", nc=2)}
    rotated = "rotated-digest-secret-key-0123456789abcdefgh"
    fallback = settings.override(SECRET_KEY=rotated, SECRET_KEY_FALLBACKS=[KEY])
    with fallback, TestClient(make_app(plain_backend())) as client:
        assert client.get("/greet", headers=header).status_code == 200
    with settings.override(SECRET_KEY=rotated), TestClient(make_app(plain_backend())) as client:
        assert client.get("/greet", headers=second).status_code == 401


def test_wrong_digest_responses_count_against_the_login_throttle() -> None:
    with TestClient(make_app(plain_backend())) as client:
        codes = [
            client.get("/greet", auth=httpx.DigestAuth("john", "wrong")).status_code
            for _ in range(6)
        ]
        right = client.get("/greet", auth=httpx.DigestAuth("john", USERS["john"]))
    assert codes == [401] * 5 + [429]
    assert right.status_code == 429 and int(right.headers["retry-after"]) >= 1


def test_without_the_shared_cache_digest_logins_are_refused() -> None:
    caches = {
        "default": {"BACKEND": "locmem"},
        "security": {"BACKEND": "redis", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    with (
        settings.override(CACHES=caches, RATELIMIT_CACHE="security"),
        TestClient(make_app(plain_backend())) as client,
    ):
        response = client.get("/greet", auth=httpx.DigestAuth("john", USERS["john"]))
    assert response.status_code == 503
