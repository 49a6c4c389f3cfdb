"""``transaction``: commit together or not at all, nest safely, never commit twice."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select

from framework import db as database
from framework.db import TransactionManagementError, engines, transaction


async def count(model: type) -> int:
    async with engines.get().connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(model))).scalar())


async def test_block_commits_on_success(migrated: dict[str, str], models: SimpleNamespace) -> None:
    async with database.session():
        async with transaction():
            await models.Post.create(title="a")
            await models.Post.create(title="b")
            assert await count(models.Post) == 0
        assert await count(models.Post) == 2


async def test_block_rolls_back_on_error(migrated: dict[str, str], models: SimpleNamespace) -> None:
    async with database.session():
        with pytest.raises(LookupError):
            async with transaction():
                await models.Post.create(title="a")
                raise LookupError("nope")
        assert await models.Post.query().count() == 0
    assert await count(models.Post) == 0


async def test_nested_block_is_a_savepoint(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with database.session(), transaction():
        await models.Post.create(title="outer")
        with pytest.raises(LookupError):
            async with transaction():
                await models.Post.create(title="inner")
                raise LookupError
        async with transaction():
            await models.Post.create(title="inner kept")
    async with database.session():
        titles = sorted(post.title for post in await models.Post.all())
    assert titles == ["inner kept", "outer"]


async def test_joined_block_error_caught_dooms_the_outer_transaction(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with database.session():
        with pytest.raises(TransactionManagementError) as caught:
            async with transaction():
                await models.Post.create(title="outer")
                try:
                    async with transaction(savepoint=False):
                        await models.Post.create(title="inner")
                        raise LookupError
                except LookupError:
                    pass
        assert str(caught.value) == (
            "An error inside a transaction(savepoint=False) block was caught, so the "
            "transaction was rolled back instead of committed."
        )
    assert await count(models.Post) == 0


async def test_joined_block_success_commits_with_the_outer_one(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with database.session(), transaction():
        async with transaction(savepoint=False):
            await models.Post.create(title="inner")
        assert await count(models.Post) == 0
    assert await count(models.Post) == 1


async def test_decorator_forms_keep_a_coroutine_function(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    @transaction
    async def create_two(fail: bool) -> str:
        await models.Post.create(title="one")
        await models.Post.create(title="two")
        if fail:
            raise ValueError("second thoughts")
        return "done"

    @transaction(savepoint=False)
    async def create_one() -> None:
        await models.Post.create(title="three")

    assert inspect.iscoroutinefunction(create_two)
    assert create_two.__name__ == "create_two"
    async with database.session():
        assert await create_two(False) == "done"
        with pytest.raises(ValueError):
            await create_two(True)
        await create_one()
    assert await count(models.Post) == 3


async def test_nesting_never_commits_twice(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    commits: list[object] = []
    event.listen(engines.get().sync_engine, "commit", commits.append)
    async with database.session(), transaction():
        await models.Post.create(title="a")
        async with transaction():
            await models.Post.create(title="b")
            async with transaction(savepoint=False):
                await models.Post.create(title="c")
        assert commits == []
    assert len(commits) == 1
    assert await count(models.Post) == 3


async def test_transaction_inside_an_atomic_request_is_a_savepoint(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with database.request_scope(atomic=True):
        await models.Post.create(title="request")
        with pytest.raises(LookupError):
            async with transaction():
                await models.Post.create(title="rolled back")
                raise LookupError
        assert await count(models.Post) == 0
    async with database.session():
        assert [post.title for post in await models.Post.all()] == ["request"]


async def test_failed_commit_is_rolled_back_and_raised(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    from sqlalchemy.exc import IntegrityError

    async with database.session():
        with pytest.raises(IntegrityError):
            async with transaction():
                await models.Category.create(name="same")
                await models.Category.create(name="same")
        assert await models.Category.query().count() == 0
