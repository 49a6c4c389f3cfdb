"""Helpers of the contrib.auth tests: users made through the real account functions."""

from __future__ import annotations

import base64
from typing import Any

PASSWORD = "correct-horse-battery"


def basic(username: str, password: str) -> dict[str, str]:
    """Return the Authorization header for Basic credentials."""
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def make_user(username: str = "alice", password: str | None = PASSWORD, **options: Any) -> Any:
    """Create a user in a session of its own (committed); return it."""
    from framework import db
    from framework.contrib.auth.users import create_user

    from .conftest import run

    async def create() -> Any:
        async with db.session():
            return await create_user(username, options.pop("email", None), password, **options)

    return run(create)


def make_token(username: str, **options: Any) -> str:
    """Create an API token for *username*; return the plain token."""
    from framework import db
    from framework.contrib.auth.tokens import create_token
    from framework.contrib.auth.users import get_user

    from .conftest import run

    async def create() -> str:
        async with db.session():
            _, plain = await create_token(await get_user(username), **options)
            return plain

    return run(create)


def in_session(function: Any, *args: Any) -> Any:
    """Run ``await function(*args)`` inside ``db.session()`` in a fresh event loop."""
    from framework import db

    from .conftest import run

    async def call() -> Any:
        async with db.session():
            return await function(*args)

    return run(call)
