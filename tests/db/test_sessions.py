"""Sessions: found by context, created lazily, always closed, rolled back on error."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, text

from framework import db as database
from framework.conf import settings
from framework.db import NoSessionError, current_session, engines, request_scope, transaction

NO_SESSION = (
    "No database session is active: requests have one as request.db; in commands, scripts "
    "and tests wrap the code in 'async with db.session():' (from framework import db)."
)


async def count(model: type, alias: str = "default") -> int:
    """Count rows through a connection of its own, outside any session under test."""
    async with engines.get(alias).connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(model))).scalar())


async def test_crud_without_a_session_says_how_to_get_one(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    for call in (
        lambda: models.Post.create(title="x"),
        lambda: models.Post.get(1),
        lambda: models.Post.query().all(),
    ):
        with pytest.raises(NoSessionError) as caught:
            await call()
        assert str(caught.value) == NO_SESSION
    with pytest.raises(NoSessionError):
        async with transaction():
            pass
    with pytest.raises(NoSessionError):
        current_session()


async def test_session_block_closes_and_discards_uncommitted_raw_work(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with database.session() as session:
        session.add(models.Post(title="raw, never committed"))
        await session.flush()
        assert await count(models.Post) == 0
    assert await count(models.Post) == 0
    assert engines.get().pool.checkedout() == 0


async def test_request_scope_creates_no_session_when_unused(migrated: dict[str, str]) -> None:
    async with request_scope() as scope:
        assert not scope.started
    assert not scope.started
    assert engines.get().pool.checkedout() == 0


async def test_request_scope_session_is_lazy_and_closed(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with request_scope() as scope:
        assert not scope.started
        assert current_session() is scope.session
        await models.Post.create(title="hello")
        assert scope.started
    assert engines.get().pool.checkedout() == 0
    assert await count(models.Post) == 1


async def test_request_scope_rolls_back_on_error(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    with pytest.raises(ZeroDivisionError):
        async with request_scope() as scope:
            scope.session.add(models.Post(title="raw"))
            await scope.session.flush()
            raise ZeroDivisionError
    assert await count(models.Post) == 0
    assert engines.get().pool.checkedout() == 0


async def test_atomic_requests_commit_at_the_end_of_the_request(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    with settings.override(ATOMIC_REQUESTS=True):
        async with request_scope() as scope:
            assert scope.atomic
            await models.Post.create(title="one")
            await models.Post.create(title="two")
            assert await count(models.Post) == 0  # not yet: one transaction for the request
    assert await count(models.Post) == 2


async def test_atomic_request_that_fails_writes_nothing(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    with settings.override(ATOMIC_REQUESTS=True), pytest.raises(RuntimeError):
        async with request_scope():
            await models.Post.create(title="one")
            raise RuntimeError("handler failed")
    assert await count(models.Post) == 0


async def test_non_atomic_request_commits_each_write_at_once(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    with pytest.raises(RuntimeError):
        async with request_scope(atomic=False):
            await models.Post.create(title="kept")
            assert await count(models.Post) == 1
            raise RuntimeError("after the write")
    assert await count(models.Post) == 1


async def test_cancelled_request_returns_its_connection_and_keeps_nothing(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    started = asyncio.Event()

    async def handler() -> None:
        async with request_scope(atomic=True):
            await models.Post.create(title="half done")
            started.set()
            await asyncio.sleep(30)

    task = asyncio.create_task(handler())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert engines.get().pool.checkedout() == 0
    assert await count(models.Post) == 0


async def test_concurrent_requests_get_their_own_sessions(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    seen = []

    async def handler(title: str) -> None:
        async with request_scope():
            seen.append(current_session())
            await models.Post.create(title=title)
            await asyncio.sleep(0)

    await asyncio.gather(handler("a"), handler("b"))
    assert seen[0] is not seen[1]
    assert await count(models.Post) == 2


async def test_models_are_routed_to_their_database(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    async with database.session():
        await models.Post.create(title="on default")
        await models.Visit.create(path="/on/analytics")
        await models.Event.create(name="signup")
    assert await count(models.Post, "default") == 1
    assert await count(models.Visit, "analytics") == 1
    assert await count(models.Event, "analytics") == 1
    async with engines.get("default").connect() as connection:
        tables = await connection.run_sync(lambda sync: sync.dialect.get_table_names(sync))
    assert "blog_visit" not in tables and "blog_post" in tables


async def test_raw_sql_goes_to_the_default_database(migrated: dict[str, str]) -> None:
    async with database.session() as session:
        assert (await session.execute(text("SELECT 40 + 2"))).scalar() == 42
