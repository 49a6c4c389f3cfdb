"""Numbers from the URL that the database cannot hold are a 4xx (or an empty page), never a 500."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from framework import db
from framework.conf import settings
from framework.testing import AsyncClient
from framework.web import App, Request

HUGE = str(10**30)


def app_for(models: SimpleNamespace) -> App:
    with settings.override(DEBUG=False):
        app = App()
    Post = models.Post

    @app.get("/posts")
    async def index(request: Request) -> dict[str, Any]:
        page = await Post.query().order_by("id").paginate(int(request.query.get("page", "1")))
        return {"titles": [post.title for post in page.items], "total": page.total}

    @app.get("/posts/{views}")
    async def by_views(request: Request, views: str) -> dict[str, Any]:
        post = await Post.find(views=int(views))
        return {"found": post is not None}

    @app.get("/filtered")
    async def filtered(request: Request) -> dict[str, Any]:
        minimum = int(request.query["min"])
        return {"count": await Post.filter(Post.views >= minimum).count()}

    @app.get("/raw")
    async def raw(request: Request) -> dict[str, Any]:
        # SQLAlchemy directly, no framework helper: the answer is the same.
        statement = select(Post).where(Post.id == int(request.query["id"]))
        return {"found": (await request.db.scalars(statement)).first() is not None}

    return app


@pytest.fixture
async def client(migrated: dict[str, str], models: SimpleNamespace) -> Any:
    async with db.session():
        await models.Post.create(title="one")
    async with AsyncClient(app_for(models), raise_server_exceptions=False) as client:
        yield client


async def test_a_page_number_beyond_any_database_is_an_empty_page(client: Any) -> None:
    response = await client.get("/posts", params={"page": HUGE})
    assert (response.status_code, response.json()) == (200, {"titles": [], "total": 1})


async def test_a_page_number_below_one_is_400(client: Any) -> None:
    response = await client.get("/posts", params={"page": "0"})
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "page and per_page start at 1; got page=0, per_page=20.", "errors": []},
    )


@pytest.mark.parametrize(
    "path", [f"/posts/{HUGE}", f"/filtered?min={HUGE}", f"/raw?id={HUGE}", f"/posts/-{HUGE}"]
)
async def test_an_integer_beyond_the_database_is_400(client: Any, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 400
    assert "out of the database's range" in response.json()["detail"]
    assert response.json()["errors"] == []
    assert (await client.get("/raw?id=1")).json() == {"found": True}  # the worker goes on
