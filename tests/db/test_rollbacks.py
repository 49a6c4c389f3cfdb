"""After a rollback, loaded objects stay usable: reloaded, or an error saying what to do."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from framework import db
from framework.db import QueryValueError, current_session, transaction
from framework.db.errors import LazyLoadError


async def test_objects_loaded_before_a_failed_write_stay_usable(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with db.session():
        books = await models.Category.create(name="books")
        films = await models.Category.create(name="films")
        with pytest.raises(IntegrityError):
            await models.Category.create(name="books")
        # The failed write rolled back, which expires every object of the session; they
        # were reloaded, so plain attribute access still works in async code.
        assert (books.name, films.name) == ("books", "films")
        assert not current_session().in_transaction()


async def test_a_rolled_back_savepoint_reloads_what_it_changed(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with db.request_scope(atomic=True):
        post = await models.Post.create(title="kept")
        with pytest.raises(LookupError):
            async with transaction():
                await post.patch(title="rolled back")
                raise LookupError
        assert post.title == "kept"
    async with db.session():
        assert [p.title for p in await models.Post.all()] == ["kept"]


async def test_a_failed_transaction_block_reloads_the_database_values(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with db.session():
        post = await models.Post.create(title="before")
        with pytest.raises(LookupError):
            async with transaction():
                await post.patch(title="during")
                raise LookupError
        assert post.title == "before"


async def test_an_object_whose_row_is_gone_leaves_the_session(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with db.session():
        books = await models.Category.create(name="books")
        films = await models.Category.create(name="films")
        async with db.session() as other:
            await other.execute(text("DELETE FROM catalog_category WHERE name = 'films'"))
            await other.commit()
        with pytest.raises(IntegrityError):
            await models.Category.create(name="books")
        assert books.name == "books"
        assert inspect(films).detached


async def test_a_failed_query_keeps_loaded_objects_usable(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with db.session():
        post = await models.Post.create(title="loaded")
        with pytest.raises(QueryValueError):
            await models.Post.find(id=2**70)
        assert post.title == "loaded"


async def test_touching_an_object_expired_by_a_raw_rollback_says_what_to_do(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with db.session() as session:
        post = await models.Post.create(title="loaded")
        await session.execute(text("SELECT 1"))
        await session.rollback()  # the user's own rollback: nothing reloads for them
        with pytest.raises(LazyLoadError) as caught:
            post.title  # noqa: B018
        assert str(caught.value) == (
            "This Post object is expired (a rollback expires the objects of its session), and "
            "async code cannot reload it implicitly: reload it first with "
            "'await request.db.refresh(obj)' (or current_session().refresh(obj)), or fetch "
            "it again with Post.get(...)."
        )
        await session.refresh(post)
        assert post.title == "loaded"
