"""Dyne's database idioms: ``create_all()``, ``await request.db``, ``Model.select()``."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from framework.db import create_all, session
from framework.testing import AsyncClient
from framework.web import App, Request


async def test_create_all_creates_each_models_tables_once(
    databases: dict[str, str], models: SimpleNamespace
) -> None:
    created = await create_all()
    assert {"blog_post", "catalog_product", "blog_visit"} <= set(created)
    assert await create_all() == []  # what exists is left alone
    async with session():
        await models.Post.create(title="first")
        await models.Visit.create(path="/")  # on the analytics database
        assert [p.title for p in await models.Post.all()] == ["first"]


async def test_create_all_limited_to_aliases(
    databases: dict[str, str], models: SimpleNamespace
) -> None:
    created = await create_all(["analytics"])
    assert sorted(created) == ["blog_visit", "metrics_event"]  # both live on analytics


async def test_dyne_style_handlers_run_unchanged(
    databases: dict[str, str], models: SimpleNamespace
) -> None:
    await create_all()
    post = models.Post
    app = App()

    @app.post("/posts")
    async def add(request: Request) -> Any:
        session = await request.db  # Dyne's spelling
        session.add(post(title=(await request.json())["title"]))
        await session.commit()
        return {"ok": True}, 201

    @app.get("/posts")
    async def index(request: Request) -> list[str]:
        session = await request.db
        return [p.title for p in await session.scalars(post.select().order_by(post.id))]

    async with AsyncClient(app) as client:
        assert (await client.post("/posts", json={"title": "Dune"})).status_code == 201
        assert (await client.get("/posts")).json() == ["Dune"]
