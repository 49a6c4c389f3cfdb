"""framework.auth on its own: apps built in the test, users in memory, cheap real hashing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from framework.conf import settings

KEY = "auth-unit-tests-secret-key-0123456789-abcdefghijklmnop"
CHEAP = {"argon2": {"memory_cost": 1024, "time_cost": 1, "parallelism": 1}}


@pytest.fixture(autouse=True)
def auth_settings() -> Iterator[None]:
    """A SECRET_KEY (sessions, signed cookies, nonces) and hashing that costs milliseconds."""
    with settings.override(SECRET_KEY=KEY, PASSWORD_SCHEME_OPTIONS=CHEAP):
        yield
