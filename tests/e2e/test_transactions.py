"""Transactions over a real uvicorn, on SQLite and PostgreSQL: concurrent writers, read-your-write.

* Eight clients register the same name at once: one 201, seven 409 with the stable error
  body, never a 500 ("database is locked" on SQLite, a unique violation on PostgreSQL).
* Fifty clients each create a post and read it back at once: every read finds the row,
  because an atomic request commits before its 201 goes out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from framework.conf import settings
from framework.testing import live_server
from framework.web import App, Request, abort
from tests.support.fixtures import *  # noqa: F403  (the database fixtures)

pytestmark = pytest.mark.e2e

NAME = "books"
ANSWERS = {
    # The handler saw the row (the transactions ran one after the other)...
    {"detail": f"{NAME!r} is already registered.", "errors": []}.__repr__(),
    # ...or the database refused the second insert (both read "no such row" first).
    {
        "detail": "Conflict with existing data: name is already taken by another row.",
        "errors": [],
    }.__repr__(),
}


def site(models: SimpleNamespace, *, atomic: bool) -> App:
    with settings.override(ATOMIC_REQUESTS=atomic, DEBUG=False):
        app = App()
    Category, Post = models.Category, models.Post

    @app.post("/register/{name}")
    async def register(request: Request, name: str) -> Any:
        # Read, then write: the pattern that fails with "database is locked" on SQLite when
        # its transactions begin DEFERRED.
        if await Category.find(name=name) is not None:
            abort(409, detail=f"{name!r} is already registered.")
        category = await Category.create(name=name)
        return {"id": category.id}, 201

    @app.post("/posts")
    async def create(request: Request) -> Any:
        post = await Post.create(title="written")
        return {"id": post.id}, 201

    @app.get("/posts/{post_id:int}")
    async def show(request: Request, post_id: int) -> Any:
        post = await Post.get(post_id)
        if post is None:
            abort(404, detail=f"No post {post_id}.")
        return {"id": post.id, "title": post.title}

    return app


@pytest.fixture(params=[True, False], ids=["atomic", "autocommit"])
def url(request: pytest.FixtureRequest, migrated: dict[str, str], models: Any) -> Iterator[str]:
    with live_server(site(models, atomic=request.param)) as base_url:
        yield base_url


async def register_all(base_url: str, clients: int) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=clients)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        return list(
            await asyncio.gather(*(client.post(f"/register/{NAME}") for _ in range(clients)))
        )


def test_eight_concurrent_registrations_give_one_201_and_seven_409(url: str) -> None:
    responses = asyncio.run(register_all(url, 8))
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] + [409] * 7, [response.text for response in responses]
    for response in responses:
        if response.status_code == 409:
            assert repr(response.json()) in ANSWERS


async def create_then_read(base_url: str, pairs: int) -> list[tuple[int, int]]:
    limits = httpx.Limits(max_connections=pairs * 2)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:

        async def pair() -> tuple[int, int]:
            created = await client.post("/posts")
            assert created.status_code == 201, created.text
            read = await client.get(f"/posts/{created.json()['id']}")
            return created.status_code, read.status_code

        return list(await asyncio.gather(*(pair() for _ in range(pairs))))


@pytest.mark.parametrize("url", [True], indirect=True, ids=["atomic"])
def test_fifty_concurrent_create_then_read_pairs_all_read_their_row(url: str) -> None:
    results = asyncio.run(create_then_read(url, 50))
    assert results == [(201, 200)] * 50
