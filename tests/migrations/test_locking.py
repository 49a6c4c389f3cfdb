"""The migration lock: a second migrator waits, says so, and gives up after its timeout."""

from __future__ import annotations

import asyncio

import pytest

from framework.db import engines
from framework.migrations import MigrationError
from framework.migrations.database import migration_engine
from framework.migrations.locking import migration_lock


async def test_second_holder_waits_then_gives_up(databases: dict[str, str]) -> None:
    config = engines.config()
    waits: list[str] = []
    async with migration_engine(config) as first, migration_engine(config) as second:
        async with migration_lock(config, first):
            with pytest.raises(MigrationError) as caught:
                async with migration_lock(config, second, timeout=0.5, on_wait=waits.append):
                    pytest.fail("both processes hold the lock")
        assert str(caught.value) == (
            "Another process is migrating database 'default'; gave up after waiting 0.5 s. "
            "Try again when it has finished."
        )
        assert waits == [
            "Another process is migrating database 'default'; waiting for it to finish..."
        ]
        async with migration_lock(config, second, timeout=0.5):
            pass  # released by the first holder


async def test_waiter_gets_the_lock_when_the_holder_releases_it(
    databases: dict[str, str],
) -> None:
    config = engines.config()
    order: list[str] = []
    held, waiting = asyncio.Event(), asyncio.Event()
    async with migration_engine(config) as first, migration_engine(config) as second:

        async def holder() -> None:
            async with migration_lock(config, first):
                order.append("first in")
                held.set()
                await waiting.wait()  # release only once the other one is waiting
                order.append("first out")

        async def waiter() -> None:
            await held.wait()
            async with migration_lock(config, second, timeout=60, on_wait=lambda _: waiting.set()):
                order.append("second in")

        await asyncio.gather(holder(), waiter())
    assert order == ["first in", "first out", "second in"]


async def test_locks_of_different_databases_are_independent(databases: dict[str, str]) -> None:
    default, analytics = engines.config("default"), engines.config("analytics")
    async with (
        migration_engine(default) as one,
        migration_engine(analytics) as two,
        migration_lock(default, one),
        migration_lock(analytics, two, timeout=0.5),
    ):
        pass
