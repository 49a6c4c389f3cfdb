"""``framework.signing``: signed and timed values, salts, key rotation, signed cookies."""

from __future__ import annotations

import time

import itsdangerous
import pytest

from framework import signing
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Request, Response


def signed_ago(seconds: int) -> type[itsdangerous.TimestampSigner]:
    """Return a signer class whose clock reads *seconds* in the past."""

    class Earlier(itsdangerous.TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - seconds

    return Earlier


KEY = "signing-test-key-0123456789abcdef0123456789"
OLD = "signing-old-key-0123456789abcdef0123456789ab"


@pytest.fixture(autouse=True)
def _key() -> object:
    with settings.override(SECRET_KEY=KEY, SECRET_KEY_FALLBACKS=[]):
        yield


def test_sign_and_unsign_round_trip_and_refuse_tampering() -> None:
    signer = signing.Signer(salt="unsubscribe")
    signed = signer.sign("ann@example.com")
    assert signed.startswith("ann@example.com:")
    assert signer.unsign(signed) == "ann@example.com"
    with pytest.raises(signing.BadSignature):
        signer.unsign(signed.replace("ann", "bob"))
    with pytest.raises(signing.BadSignature):
        signer.unsign("ann@example.com")  # never signed


def test_a_value_signed_for_one_salt_fails_for_another() -> None:
    signed = signing.Signer(salt="invite").sign("7")
    with pytest.raises(signing.BadSignature):
        signing.Signer(salt="reset").unsign(signed)
    token = signing.dumps({"user": 7}, salt="invite")
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="reset")


def test_dumps_and_loads_objects_with_max_age() -> None:
    token = signing.dumps({"user": 7, "roles": ["a"]}, salt="invite")
    assert signing.loads(token, salt="invite", max_age=60) == {"user": 7, "roles": ["a"]}
    earlier = itsdangerous.URLSafeTimedSerializer(KEY, salt="invite", signer=signed_ago(10))
    old = earlier.dumps({"user": 7})
    assert signing.loads(old, salt="invite", max_age=60) == {"user": 7}
    with pytest.raises(signing.SignatureExpired):
        signing.loads(old, salt="invite", max_age=5)


def test_timestamp_signer_max_age() -> None:
    signer = signing.TimestampSigner(salt="link")
    assert signer.unsign(signer.sign("x"), max_age=60) == "x"
    earlier = signed_ago(100)(KEY, salt="link", sep=":")
    with pytest.raises(signing.SignatureExpired):
        signer.unsign(earlier.sign("x").decode(), max_age=50)
    assert signer.unsign(earlier.sign("x").decode()) == "x"


def test_fallback_keys_verify_but_never_sign() -> None:
    with settings.override(SECRET_KEY=OLD):
        old_token = signing.dumps("hello", salt="s")
    with pytest.raises(signing.BadSignature):
        signing.loads(old_token, salt="s")
    with settings.override(SECRET_KEY_FALLBACKS=[OLD]):
        assert signing.loads(old_token, salt="s") == "hello"
        new_token = signing.dumps("hello", salt="s")
    with settings.override(SECRET_KEY=OLD), pytest.raises(signing.BadSignature):
        signing.loads(new_token, salt="s")  # signed with the current key, not the old


def test_no_secret_key_is_a_clear_error() -> None:
    with settings.override(SECRET_KEY=""), pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        signing.Signer()


def test_signed_cookies_round_trip_and_refuse_forgeries() -> None:
    app = App()

    @app.get("/set")
    async def set_theme(request: Request) -> Response:
        response = Response("set")
        signing.set_signed_cookie(response, "theme", "dark", salt="prefs", max_age=3600)
        return response

    @app.get("/get")
    async def get_theme(request: Request) -> dict[str, str | None]:
        return {"theme": signing.get_signed_cookie(request, "theme", "light", salt="prefs")}

    with TestClient(app) as client:
        assert client.get("/get").json() == {"theme": "light"}
        cookie = client.get("/set").cookies["theme"]
        assert cookie.startswith("dark:")
        assert client.get("/get").json() == {"theme": "dark"}
        client.cookies.set("theme", cookie.replace("dark", "evil"))
        assert client.get("/get").json() == {"theme": "light"}
