"""API token secrets are compared in constant time, with the same work for every refusal.

A right token, a wrong secret and an unknown key each go through exactly one
``hmac.compare_digest`` of two SHA-256 digests, so the answer time says nothing about which
part of a guess was wrong. Real users and tokens on the auth test project (SQLite and
PostgreSQL).
"""

from __future__ import annotations

import hmac
from typing import Any

import pytest

from framework.testing import TestClient
from tests.contrib.auth.conftest import auth_db, authproject  # noqa: F401 (fixtures)
from tests.contrib.auth.helpers import make_token, make_user

pytestmark = pytest.mark.usefixtures("auth_db")


@pytest.fixture
def comparisons(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, Any]]:
    """Record every comparison the token check makes (and still compare for real)."""
    import framework.contrib.auth.tokens as tokens

    seen: list[tuple[Any, Any]] = []

    class Recording:
        @staticmethod
        def compare_digest(a: Any, b: Any) -> bool:
            seen.append((a, b))
            return hmac.compare_digest(a, b)

    monkeypatch.setattr(tokens, "hmac", Recording)
    return seen


@pytest.fixture
def client() -> Any:
    from framework.web import get_asgi_application

    with TestClient(get_asgi_application()) as test_client:
        yield test_client


def test_every_token_is_compared_once_in_constant_time(
    client: Any, comparisons: list[tuple[Any, Any]]
) -> None:
    make_user("alice")
    token = make_token("alice")
    key, _, secret = token.partition(".")
    wrong_secret = f"{key}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    unknown_key = f"{'0' * len(key)}.{secret}"
    answers = []
    for candidate in (token, wrong_secret, unknown_key):
        comparisons.clear()
        response = client.get("/api/token", headers={"Authorization": f"Bearer {candidate}"})
        answers.append(response.status_code)
        assert len(comparisons) == 1, candidate
        expected, given = comparisons[0]
        # Two hex SHA-256 digests: the stored one (or a dummy) and the candidate's.
        assert (len(expected), len(given)) == (64, 64)
    assert answers == [200, 401, 401]
