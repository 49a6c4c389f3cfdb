"""``on_commit``: after the outermost commit, dropped on rollback, at once outside a transaction."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest

from framework import db as database
from framework.db import on_commit, request_scope, transaction


async def test_runs_after_the_outermost_commit(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    seen: list[str] = []
    async with database.session():
        async with transaction():
            await models.Post.create(title="a")
            on_commit(lambda: seen.append("outer"))
            async with transaction():
                on_commit(lambda: seen.append("inner"))
            assert seen == []
        assert seen == ["outer", "inner"]


async def test_dropped_when_the_transaction_rolls_back(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    seen: list[str] = []
    async with database.session():
        with pytest.raises(LookupError):
            async with transaction():
                on_commit(lambda: seen.append("rolled back"))
                raise LookupError
        async with transaction():
            on_commit(lambda: seen.append("kept"))
    assert seen == ["kept"]


async def test_a_failed_savepoint_drops_only_its_own_callbacks(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    seen: list[str] = []
    async with database.session(), transaction():
        async with transaction():
            on_commit(lambda: seen.append("first savepoint"))
        with pytest.raises(LookupError):
            async with transaction():
                on_commit(lambda: seen.append("failed savepoint"))
                raise LookupError
        on_commit(lambda: seen.append("outer"))
    assert seen == ["first savepoint", "outer"]


async def test_runs_at_once_outside_a_transaction(migrated: dict[str, str]) -> None:
    seen: list[str] = []
    on_commit(lambda: seen.append("no session"))
    async with database.session():
        on_commit(lambda: seen.append("autocommit"))
    assert seen == ["no session", "autocommit"]


async def test_async_callbacks_are_awaited_after_the_commit(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    seen: list[int] = []

    async def count_posts() -> None:
        async with database.session():
            seen.append(await models.Post.query().count())

    async with database.session(), transaction():
        await models.Post.create(title="a")
        on_commit(count_posts)
    assert seen == [1]  # the callback's own session saw the committed row


async def test_atomic_request_runs_callbacks_only_on_success(
    migrated: dict[str, str], models: SimpleNamespace
) -> None:
    seen: list[str] = []
    async with request_scope(atomic=True):
        await models.Post.create(title="a")
        on_commit(lambda: seen.append("committed"))
    with pytest.raises(LookupError):
        async with request_scope(atomic=True):
            await models.Post.create(title="b")
            on_commit(lambda: seen.append("rolled back"))
            raise LookupError
    assert seen == ["committed"]


async def test_a_failing_callback_is_logged_and_the_others_run(
    migrated: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[str] = []

    def broken() -> None:
        raise RuntimeError("callback broke")

    with caplog.at_level(logging.ERROR, logger="framework.db"):
        async with database.session(), transaction():
            on_commit(broken)
            on_commit(lambda: seen.append("after"))
    assert seen == ["after"]
    assert "on_commit callback" in caplog.text and "callback broke" in caplog.text


async def test_async_callback_outside_a_transaction_starts_now() -> None:
    started = asyncio.Event()

    async def mark() -> None:
        started.set()

    on_commit(mark)
    await asyncio.wait_for(started.wait(), timeout=10)


def test_refuses_what_is_not_callable() -> None:
    with pytest.raises(TypeError, match=r"on_commit\(\) needs a callable; got 'x'"):
        on_commit("x")  # type: ignore[arg-type]
