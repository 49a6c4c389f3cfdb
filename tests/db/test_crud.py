"""``CRUDMixin``: the seven helpers, Django's autocommit rule, and errors that name the fix."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from framework import db as database
from framework.db import engines, transaction


async def test_create_get_find_all(db: AsyncSession, models: SimpleNamespace) -> None:
    books = await models.Category.create(name="books")
    assert books.id is not None
    assert await models.Category.get(books.id) is books
    assert await models.Category.get(10_000) is None
    assert await models.Category.find(name="books") is books
    assert await models.Category.find(name="films") is None
    await models.Category.create(name="films")
    assert sorted(c.name for c in await models.Category.all()) == ["books", "films"]


async def test_save_inserts_then_updates(db: AsyncSession, models: SimpleNamespace) -> None:
    category = await models.Category(name="draft").save()
    category.name = "final"
    await category.save()
    key = category.id
    db.expire_all()
    assert (await models.Category.get(key)).name == "final"


async def test_patch_sets_columns_and_saves(db: AsyncSession, models: SimpleNamespace) -> None:
    books = await models.Category.create(name="books")
    product = await models.Product.create(name="Dune", price=900, category_id=books.id)
    assert await product.patch(price=1200, sku="D-1") is product
    key = product.id
    db.expire_all()
    fresh = await models.Product.get(key)
    assert (fresh.price, fresh.sku) == (1200, "D-1")


async def test_patch_with_an_unknown_column_changes_nothing(
    db: AsyncSession, models: SimpleNamespace
) -> None:
    books = await models.Category.create(name="books")
    product = await models.Product.create(name="Dune", price=900, category_id=books.id)
    with pytest.raises(AttributeError) as caught:
        await product.patch(name="Other", prize=1)
    assert str(caught.value) == "Product has no column 'prize'; did you mean 'price'?"
    assert product.name == "Dune"


async def test_destroy_deletes(db: AsyncSession, models: SimpleNamespace) -> None:
    books = await models.Category.create(name="books")
    await books.destroy()
    assert await models.Category.find(name="books") is None


async def test_each_write_outside_a_transaction_commits_at_once(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async def stored() -> list[str]:
        async with engines.get().connect() as connection:
            rows = await connection.execute(select(models.Category.name).order_by("name"))
            return list(rows.scalars())

    async with database.session():
        books = await models.Category.create(name="books")
        assert await stored() == ["books"]
        await books.patch(name="novels")
        assert await stored() == ["novels"]
        await books.destroy()
        assert await stored() == []


async def test_reads_outside_a_transaction_leave_none_open(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with database.session() as session:
        await models.Category.create(name="books")
        await models.Category.all()
        await models.Category.find(name="books")
        await models.Category.query().count()
        assert not session.in_transaction()


async def test_writes_inside_a_transaction_are_flushed_not_committed(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async def stored() -> int:
        async with engines.get().connect() as connection:
            count = select(func.count()).select_from(models.Category)
            return int((await connection.execute(count)).scalar())

    async with database.session():
        async with transaction():
            books = await models.Category.create(name="books")
            assert books.id is not None  # flushed: the database assigned the key
            assert await stored() == 0
        assert await stored() == 1


async def test_failed_write_is_rolled_back_and_the_session_stays_usable(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with database.session():
        await models.Category.create(name="books")
        with pytest.raises(IntegrityError):
            await models.Category.create(name="books")
        await models.Category.create(name="films")
        assert sorted(c.name for c in await models.Category.all()) == ["books", "films"]


async def test_foreign_keys_are_enforced(db: AsyncSession, models: SimpleNamespace) -> None:
    with pytest.raises(IntegrityError):
        async with transaction():
            await models.Product.create(name="orphan", category_id=999)


async def test_deleting_a_category_cascades_to_its_products(
    db: AsyncSession, models: SimpleNamespace
) -> None:
    books = await models.Category.create(name="books")
    await models.Product.create(name="Dune", category_id=books.id)
    await books.destroy()
    assert await models.Product.query().count() == 0


async def test_get_with_an_id_no_column_can_hold_finds_nothing(db, models) -> None:
    post = await models.Post.create(title="kept")
    assert await models.Post.get(2**63) is None
    assert await models.Post.get(-(2**63) - 1) is None
    assert await models.Post.get(2**31) is None
    assert (await models.Post.get(post.id)).title == "kept"
