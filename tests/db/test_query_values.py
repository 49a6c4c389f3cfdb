"""``values()`` and ``values_list()``: rows as dicts and tuples, on SQLite and PostgreSQL."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from marshmallow import Schema, fields
from pydantic import BaseModel
from sqlalchemy import func
from sqlalchemy.exc import MultipleResultsFound, NoResultFound
from sqlalchemy.ext.asyncio import AsyncSession

from framework.db import Page, QueryValueError, request_scope, session, transaction
from framework.io import output
from framework.testing import AsyncClient
from framework.web import App, Request


@pytest.fixture
async def posts(db: AsyncSession, models: SimpleNamespace) -> type:
    for number in range(1, 8):
        await models.Post.create(
            title=f"post {number}", views=number * 10, published=number % 2 == 0
        )
    db.expunge_all()  # what follows must not find objects loaded by the set-up
    return models.Post


async def test_values_are_dicts_of_the_named_columns_in_order(db, posts) -> None:
    rows = await posts.query().order_by("views").limit(2).values("title", "views").all()
    assert rows == [{"title": "post 1", "views": 10}, {"title": "post 2", "views": 20}]
    assert [list(row) for row in rows] == [["title", "views"], ["title", "views"]]
    assert type(rows[0]) is dict
    assert len(db.identity_map) == 0  # no ORM object was built


async def test_values_without_fields_has_every_column(posts) -> None:
    row = await posts.query().order_by("id").values().first()
    assert list(row) == ["id", "title", "body", "views", "published"]
    assert isinstance(row.pop("id"), int)
    assert row == {"title": "post 1", "body": "", "views": 10, "published": False}


async def test_values_take_attributes_and_named_expressions(posts) -> None:
    rows = (
        await posts.query()
        .filter(posts.views > 50)
        .order_by("-views")
        .values(posts.views, shout=func.upper(posts.title))
        .all()
    )
    assert rows == [{"views": 70, "shout": "POST 7"}, {"views": 60, "shout": "POST 6"}]


async def test_filters_and_order_chain_before_and_after_values(posts) -> None:
    before = posts.filter_by(published=True).order_by("-views").values("views")
    after = posts.query().values("views").filter_by(published=True).order_by("-views")
    expected = [{"views": 60}, {"views": 40}, {"views": 20}]
    assert await before.all() == expected
    assert await after.all() == expected
    assert await after.count() == 3


async def test_first_one_and_their_errors(posts) -> None:
    assert await posts.filter_by(views=30).values("title").one() == {"title": "post 3"}
    assert await posts.filter_by(views=999).values("title").first() is None
    with pytest.raises(NoResultFound):
        await posts.filter_by(views=999).values("title").one()
    with pytest.raises(MultipleResultsFound):
        await posts.filter_by(published=True).values("title").one()


async def test_paginate_gives_a_page_of_dicts(posts) -> None:
    page = await posts.query().order_by("id").values("views").paginate(page=2, per_page=3)
    expected = [{"views": 40}, {"views": 50}, {"views": 60}]
    assert page == Page(items=expected, total=7, page=2, per_page=3)
    assert page.has_next and page.has_prev


async def test_values_list_tuples_flat_and_named(db, posts) -> None:
    query = posts.query().order_by("id").limit(2)
    assert await query.values_list("views", "title").all() == [(10, "post 1"), (20, "post 2")]
    assert type((await query.values_list("views").all())[0]) is tuple
    assert await query.values_list("title", flat=True).all() == ["post 1", "post 2"]
    assert await query.values_list(posts.views, flat=True).first() == 10
    named = await query.values_list("views", posts.title, named=True).all()
    assert named == [(10, "post 1"), (20, "post 2")]
    assert (named[1].views, named[1].title, named[1][1]) == (20, "post 2", "post 2")
    assert named[0]._fields == ("views", "title")
    # An expression needs no name in a plain tuple.
    assert await posts.query().values_list(func.count(posts.id)).one() == (7,)
    assert len(db.identity_map) == 0


async def test_values_read_the_database_of_the_models_alias(db, models) -> None:
    await models.Visit.create(path="/a")
    await models.Visit.create(path="/b")
    paths = await models.Visit.query().order_by("path").values_list("path", flat=True).all()
    assert paths == ["/a", "/b"]


async def test_mistakes_are_named(posts) -> None:
    with pytest.raises(AttributeError, match="Post has no column 'titel'; did you mean 'title'"):
        posts.query().values("titel")
    with pytest.raises(AttributeError, match="did you mean 'views'"):
        posts.query().values_list("view", flat=True)
    with pytest.raises(TypeError, match="exactly one field; got 2"):
        posts.query().values_list("id", "title", flat=True)
    with pytest.raises(TypeError, match="flat=True or named=True, not both"):
        posts.query().values_list("id", flat=True, named=True)
    with pytest.raises(TypeError, match=r"as a keyword, e\.g\. values\(total=func\.count"):
        posts.query().values(func.count(posts.id))
    with pytest.raises(TypeError, match="as a keyword"):
        posts.query().values_list(func.count(posts.id), named=True)


class PostOut(BaseModel):
    id: int
    title: str


class PostSchema(Schema):
    id = fields.Integer()
    title = fields.String()


@pytest.mark.parametrize("schema", [PostOut, PostSchema], ids=["pydantic", "marshmallow"])
async def test_output_serialises_values_lists_and_pages(migrated, models, schema: Any) -> None:
    Post = models.Post
    app = App()

    @app.get("/posts")
    @output(schema, many=True)
    async def index(request: Request) -> Any:
        return await Post.query().order_by("id").values("id", "title", "views").all()

    @app.get("/pages")
    @output(schema, paginated=True)
    async def pages(request: Request) -> Any:
        return await Post.query().order_by("-id").values("id", "title").paginate(1, 2)

    await _create(models, "a", "b", "c")
    async with AsyncClient(app) as client:
        listed = (await client.get("/posts")).json()
        paged = (await client.get("/pages")).json()
    assert listed == [{"id": 1, "title": "a"}, {"id": 2, "title": "b"}, {"id": 3, "title": "c"}]
    assert paged["items"] == [{"id": 3, "title": "c"}, {"id": 2, "title": "b"}]
    assert (paged["total"], paged["pages"], paged["has_next"]) == (3, 2, True)


async def _create(models: SimpleNamespace, *titles: str) -> None:
    async with session():
        for title in titles:
            await models.Post.create(title=title)


async def test_rows_outside_a_transaction_need_no_session(migrated, models) -> None:
    Post = models.Post
    await _create(models, "a", "b")
    async with request_scope() as scope:  # lazy, like a request's
        assert await Post.query().order_by("id").values_list("title", flat=True).all() == [
            "a",
            "b",
        ]
        assert await Post.query().count() == 2
        assert not scope.started  # neither read created the session


async def test_rows_inside_a_transaction_see_its_writes(migrated, models) -> None:
    Post = models.Post
    async with session() as db:
        async with transaction():
            await Post.create(title="uncommitted")
            assert await Post.query().values_list("title", flat=True).all() == ["uncommitted"]
        db.add(Post(title="pending"))  # not flushed yet: the read flushes it first
        titles = await Post.query().order_by("id").values_list("title", flat=True).all()
        assert titles == ["uncommitted", "pending"]
        await db.rollback()
    async with session():
        assert await Post.query().values_list("title", flat=True).all() == ["uncommitted"]


async def test_a_value_no_column_can_hold_is_a_query_value_error(migrated, models) -> None:
    async with session():
        with pytest.raises(QueryValueError):
            await models.Post.query().filter_by(id=2**70).values("id").all()
        assert await models.Post.query().values("id").all() == []  # the scope still works
