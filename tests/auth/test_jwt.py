"""JWTs: create/decode with PyJWT, the RFC 7515 vectors, and every refusal an attacker tries.

The vectors are RFC 7515's own examples (Appendix A.1 HS256, A.2 RS256, A.3 ES256, A.5
unsecured): their keys are given as JWKs, turned into the PEM/bytes our settings take.
Their ``exp`` is in 2011, so a correct signature shows as "expired" — the signature is
checked first — and a leeway reaching back to 2011 accepts them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from framework.auth import JWTAuth, JWTError, authenticate, create_jwt, decode_jwt
from framework.auth.jwt import JWTKeys
from framework.conf import settings
from framework.testing import TestClient
from framework.web import App, Controller, get
from tests.auth.conftest import KEY

# -- RFC 7515, Appendix A -------------------------------------------------------------------

PAYLOAD_B64 = (
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
)
CLAIMS = {"iss": "joe", "exp": 1300819380, "http://example.com/is_root": True}
A1_KEY = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"
A1_TOKEN = (
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    + PAYLOAD_B64
    + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)
A2_JWK = {
    "kty": "RSA",
    "n": "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEz"
    "P1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMd"
    "bBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-"
    "DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
    "e": "AQAB",
}
A2_TOKEN = (
    "eyJhbGciOiJSUzI1NiJ9." + PAYLOAD_B64 + ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu"
    "3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgr"
    "nbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZE"
    "Sc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe"
    "77Rw"
)
A3_JWK = {
    "kty": "EC",
    "crv": "P-256",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
}
A3_TOKEN = (
    "eyJhbGciOiJFUzI1NiJ9." + PAYLOAD_B64 + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDx"
    "w5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q"
)
A5_TOKEN = "eyJhbGciOiJub25lIn0." + PAYLOAD_B64 + "."
SINCE_2011 = time.time() - CLAIMS["exp"] + 3600


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_pem(jwk: dict[str, str]) -> str:
    algorithm = (
        pyjwt.algorithms.RSAAlgorithm if jwk["kty"] == "RSA" else pyjwt.algorithms.ECAlgorithm
    )
    key = algorithm.from_jwk(json.dumps(jwk))
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


A1_KEYS = JWTKeys("HS256", b64url_decode(A1_KEY))
A2_KEYS = JWTKeys("RS256", "", public_pem(A2_JWK))
A3_KEYS = JWTKeys("ES256", "", public_pem(A3_JWK))


@pytest.mark.parametrize(
    ("token", "keys"),
    [(A1_TOKEN, A1_KEYS), (A2_TOKEN, A2_KEYS), (A3_TOKEN, A3_KEYS)],
    ids=["A.1-HS256", "A.2-RS256", "A.3-ES256"],
)
def test_rfc7515_vectors_verify(token: str, keys: JWTKeys) -> None:
    assert decode_jwt(token, keys=keys, leeway=SINCE_2011, issuer="joe") == CLAIMS
    with pytest.raises(JWTError, match=r"^The token has expired.$"):
        decode_jwt(token, keys=keys)  # signature good (checked first), exp in 2011


@pytest.mark.parametrize(
    ("token", "keys"),
    [(A1_TOKEN, A1_KEYS), (A2_TOKEN, A2_KEYS), (A3_TOKEN, A3_KEYS)],
    ids=["A.1-HS256", "A.2-RS256", "A.3-ES256"],
)
def test_rfc7515_vectors_with_a_changed_claim_are_refused(token: str, keys: JWTKeys) -> None:
    header, payload, signature = token.split(".")
    forged = b64url(b64url_decode(payload).replace(b'"joe"', b'"eve"'))
    with pytest.raises(JWTError, match=r"^The token's signature is invalid.$"):
        decode_jwt(f"{header}.{forged}.{signature}", keys=keys, leeway=SINCE_2011)


def test_rfc7515_unsecured_example_is_refused() -> None:
    for keys in (A1_KEYS, A2_KEYS, JWTKeys()):
        with pytest.raises(JWTError, match="algorithm 'none' is not accepted"):
            decode_jwt(A5_TOKEN, keys=keys, leeway=SINCE_2011)


def test_rfc7515_vector_with_the_wrong_key() -> None:
    with pytest.raises(JWTError, match="signature is invalid"):
        decode_jwt(A1_TOKEN, keys=JWTKeys("HS256", b"another key " * 4), leeway=SINCE_2011)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    pem = other.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(JWTError, match="signature is invalid"):
        decode_jwt(A2_TOKEN, keys=JWTKeys("RS256", "", pem.decode()), leeway=SINCE_2011)


# -- tokens of this project -------------------------------------------------------------------


def test_round_trip_with_secret_key() -> None:
    token = create_jwt({"sub": "42", "scope": "read"})
    claims = decode_jwt(token)
    assert claims["sub"] == "42" and claims["scope"] == "read"
    assert claims["exp"] - claims["iat"] == 3600
    assert pyjwt.decode(token, KEY, algorithms=["HS256"])["sub"] == "42"  # plain PyJWT agrees


def test_tokens_made_by_pyjwt_are_accepted() -> None:
    token = pyjwt.encode({"sub": "7", "exp": int(time.time()) + 60}, KEY, algorithm="HS256")
    assert decode_jwt(token)["sub"] == "7"


def test_expired_token_and_leeway() -> None:
    token = pyjwt.encode({"sub": "7", "exp": int(time.time()) - 30}, KEY, algorithm="HS256")
    with pytest.raises(JWTError, match=r"^The token has expired.$"):
        decode_jwt(token)
    assert decode_jwt(token, leeway=120)["sub"] == "7"
    with settings.override(JWT_LEEWAY=120):
        assert decode_jwt(token)["sub"] == "7"


def test_not_before_and_issued_in_the_future() -> None:
    later = int(time.time()) + 600
    for claims in ({"nbf": later}, {"iat": later}):
        token = pyjwt.encode({"exp": later + 60, **claims}, KEY, algorithm="HS256")
        with pytest.raises(JWTError, match="not valid yet"):
            decode_jwt(token)


def test_a_token_without_exp_is_refused() -> None:
    token = pyjwt.encode({"sub": "7"}, KEY, algorithm="HS256")
    with pytest.raises(JWTError, match="lacks a required claim"):
        decode_jwt(token)


def test_audience_and_issuer() -> None:
    with settings.override(JWT_AUDIENCE="api", JWT_ISSUER="https://auth.example.com"):
        token = create_jwt({"sub": "1"})
        assert decode_jwt(token)["aud"] == "api"
        with pytest.raises(JWTError, match="audience"):
            decode_jwt(token, audience="billing")
        with pytest.raises(JWTError, match="issuer"):
            decode_jwt(token, issuer="https://evil.example.com")
    with pytest.raises(JWTError, match="audience"):  # a service expecting no audience
        decode_jwt(token)
    untargeted = create_jwt({"sub": "1"})
    with settings.override(JWT_AUDIENCE="api"), pytest.raises(JWTError, match="required claim"):
        decode_jwt(untargeted)


def test_wrong_key_and_key_rotation() -> None:
    old = create_jwt({"sub": "1"})
    with settings.override(SECRET_KEY="a-new-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"):
        with pytest.raises(JWTError, match="signature is invalid"):
            decode_jwt(old)
        with settings.override(SECRET_KEY_FALLBACKS=[KEY]):
            assert decode_jwt(old)["sub"] == "1"
            fresh = create_jwt({"sub": "2"})
    with pytest.raises(JWTError, match="signature is invalid"):
        decode_jwt(fresh)  # signed with the new key, never with a fallback


def test_wrong_algorithm_is_refused() -> None:
    token = pyjwt.encode({"sub": "1", "exp": int(time.time()) + 60}, KEY * 2, algorithm="HS512")
    with pytest.raises(JWTError, match="algorithm 'HS512' is not accepted: tokens use HS256"):
        decode_jwt(token)


def unsigned(claims: dict[str, object], alg: str = "none") -> str:
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    return f"{header}.{b64url(json.dumps(claims).encode())}."


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_alg_none_is_refused(alg: str) -> None:
    with pytest.raises(JWTError, match="is not accepted"):
        decode_jwt(unsigned({"sub": "admin", "exp": int(time.time()) + 60}, alg))


def rsa_keys() -> tuple[str, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem_text = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem_text


def test_rs256_from_key_settings_and_a_verify_only_service(tmp_path) -> None:
    private_pem, public_pem_text = rsa_keys()
    (tmp_path / "public.pem").write_text(public_pem_text)
    with settings.override(JWT_ALGORITHM="RS256", JWT_SIGNING_KEY=private_pem):
        token = create_jwt({"sub": "9"})
        assert decode_jwt(token)["sub"] == "9"  # public key derived from the private one
    with settings.override(
        JWT_ALGORITHM="RS256", BASE_DIR=tmp_path, JWT_VERIFYING_KEY="public.pem"
    ):
        assert decode_jwt(token)["sub"] == "9"
        with pytest.raises(Exception, match="cannot be created here"):
            create_jwt({"sub": "9"})


def test_es256_round_trip() -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    with settings.override(JWT_ALGORITHM="ES256", JWT_SIGNING_KEY=pem):
        assert decode_jwt(create_jwt({"sub": "3"}))["sub"] == "3"


def test_algorithm_confusion_hs256_signed_with_the_public_key_is_refused() -> None:
    """The classic attack: take the server's RSA public key and use it as an HMAC secret."""
    _private_pem, public_pem_text = rsa_keys()
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps({"sub": "admin", "exp": int(time.time()) + 60}).encode())
    signature = hmac.new(public_pem_text.encode(), f"{header}.{payload}".encode(), hashlib.sha256)
    forged = f"{header}.{payload}.{b64url(signature.digest())}"
    with (
        settings.override(JWT_ALGORITHM="RS256", JWT_VERIFYING_KEY=public_pem_text),
        pytest.raises(JWTError, match="algorithm 'HS256' is not accepted: tokens use RS256"),
    ):
        decode_jwt(forged)


def test_rs256_token_on_an_hs256_service_is_refused() -> None:
    private_pem, _ = rsa_keys()
    token = pyjwt.encode({"sub": "1", "exp": int(time.time()) + 60}, private_pem, algorithm="RS256")
    with pytest.raises(JWTError, match="algorithm 'RS256' is not accepted: tokens use HS256"):
        decode_jwt(token)


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b.c", "a.b", "....", "eyJhbGciOiJIUzI1NiJ9.!!!.sig", "x" * 10_000],
)
def test_garbage_is_malformed_never_a_crash(token: str) -> None:
    with pytest.raises(JWTError, match=r"malformed|not accepted"):
        decode_jwt(token)


def test_misconfiguration_is_named() -> None:
    from framework.checks import run_checks
    from framework.exceptions import ImproperlyConfigured

    with settings.override(JWT_ALGORITHM="RS256"):
        with pytest.raises(ImproperlyConfigured, match="needs JWT_VERIFYING_KEY"):
            decode_jwt("a.b.c")
        assert [m.id for m in run_checks(tags=["security"]) if m.id.startswith("auth.E01")] == [
            "auth.E010"
        ]
    with (
        settings.override(JWT_ALGORITHM="HS257"),
        pytest.raises(ImproperlyConfigured, match="'HS257' is not supported"),
    ):
        create_jwt({})
    with pytest.raises(ValueError, match="must expire"):
        create_jwt({}, expires_in=0)
    with (
        settings.override(JWT_SIGNING_KEY="short"),
        pytest.raises(ImproperlyConfigured, match="JWT_SIGNING_KEY is 5 bytes long; HS256"),
    ):
        create_jwt({})


# -- JWTAuth ----------------------------------------------------------------------------------


def jwt_app(backend: JWTAuth) -> App:
    class MeController(Controller):
        path = "/me"

        @get("/")
        @authenticate(backend, role="reader")
        async def me(self, request):
            return {"user": request.state.user}

    app = App()
    app.include(MeController)
    return app


def test_jwt_auth_protects_a_route() -> None:
    backend = JWTAuth()

    @backend.get_user_roles
    def roles(claims):
        return claims.get("roles", [])

    with TestClient(jwt_app(backend)) as client:
        assert client.get("/me").status_code == 401
        assert client.get("/me").headers["www-authenticate"].startswith("Bearer ")
        good = create_jwt({"sub": "5", "roles": ["reader"]})
        response = client.get("/me", headers={"Authorization": f"Bearer {good}"})
        assert response.status_code == 200 and response.json()["user"]["sub"] == "5"
        no_role = create_jwt({"sub": "6"})
        assert client.get("/me", headers={"Authorization": f"Bearer {no_role}"}).status_code == 403
        expired = pyjwt.encode({"sub": "5", "roles": ["reader"], "exp": 1}, KEY, algorithm="HS256")
        for token in (expired, unsigned({"sub": "5", "roles": ["reader"]}), "garbage"):
            response = client.get("/me", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401
            assert response.json() == {"detail": "Authentication required.", "errors": []}


def test_jwt_auth_turns_claims_into_a_user() -> None:
    backend = JWTAuth(audience="reports")
    users = {"5": {"name": "ann", "roles": ["reader"]}}

    @backend.verify_token
    async def load(claims):
        return users.get(claims["sub"])

    @backend.get_user_roles
    def roles(user):
        return user["roles"]

    with TestClient(jwt_app(backend)) as client:
        token = create_jwt({"sub": "5"}, audience="reports")
        response = client.get("/me", headers={"Authorization": f"Bearer {token}"})
        assert response.json() == {"user": {"name": "ann", "roles": ["reader"]}}
        unknown = create_jwt({"sub": "8"}, audience="reports")
        assert client.get("/me", headers={"Authorization": f"Bearer {unknown}"}).status_code == 401
        other_audience = create_jwt({"sub": "5"})
        response = client.get("/me", headers={"Authorization": f"Bearer {other_audience}"})
        assert response.status_code == 401


def test_jwt_auth_in_the_openapi_document() -> None:
    assert JWTAuth().security_schemes() == [
        ("jwtAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    ]


def test_without_pyjwt_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from framework.exceptions import MissingDependencyError

    monkeypatch.setitem(sys.modules, "jwt", None)  # as if PyJWT were not installed
    with pytest.raises(MissingDependencyError) as info:
        create_jwt({"sub": "1"})
    assert str(info.value) == (
        "'pyjwt' is required for JSON Web Tokens but is not installed: "
        'pip install "framework[jwt]"'
    )
