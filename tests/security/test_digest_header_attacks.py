"""Malformed Digest ``Authorization`` headers: 401 with a fresh challenge, never a 500.

Regressions: ``key=`` with an empty value made the standard library's ``parse_keqv_list``
raise IndexError, and a nonce signature or opaque value holding a non-ASCII character made
``hmac.compare_digest`` raise TypeError; both reached the client as 500s.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from framework.auth import DigestAuth, authenticate
from framework.conf import settings
from framework.testing import TestClient
from framework.web import App, Request

KEY = "digest-attack-tests-secret-key-0123456789-abcdefghij"
CALLS: list[str] = []


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with settings.override(SECRET_KEY=KEY):
        app = App()
        backend = DigestAuth(realm="site")
        backend.get_password(lambda username: "correct-horse" if username == "ann" else None)

        @app.get("/private")
        @authenticate(backend)
        async def private(request: Request) -> dict[str, str]:
            CALLS.append("private")
            return {"user": request.state.user}

        with TestClient(app, raise_server_exceptions=False) as test_client:
            yield test_client


@pytest.mark.parametrize(
    "header",
    [
        b"Digest username=",
        b'Digest username="ann", realm=',
        b"Digest =",
        b'Digest username="ann", realm="site", nonce="1:\xe9", uri="/private", response="00", '
        b'opaque="{opaque}"',
        b'Digest username="ann", realm="site", nonce="1:x", uri="/private", response="00", '
        b'opaque="\xe9"',
        b'Digest username="\xe9", realm="\xe9", nonce="\xe9", uri="\xe9", response="\xe9"',
    ],
    ids=[
        "empty-value",
        "empty-realm",
        "empty-key",
        "non-ascii-nonce",
        "non-ascii-opaque",
        "non-ascii-everywhere",
    ],
)
def test_malformed_digest_header_is_401_not_500(client: TestClient, header: bytes) -> None:
    challenge = client.get("/private").headers["www-authenticate"]
    opaque = challenge.partition('opaque="')[2].partition('"')[0]
    header = header.replace(b"{opaque}", opaque.encode())  # a valid opaque reaches the nonce
    CALLS.clear()
    response = client.get("/private", headers=[(b"authorization", header)])
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication required.", "errors": []}
    assert response.headers["www-authenticate"].startswith(
        'Digest realm="site", qop="auth", algorithm=MD5, nonce="'
    )
    assert CALLS == []
