"""The connection pool serves requests waiting for a connection in the order they came."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import NullPool, StaticPool
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.util.queue import Empty, Full

from framework.conf import settings
from framework.db import engines
from framework.db.pool import FairAsyncQueuePool, FairQueue


@pytest.fixture
def one_connection(databases: dict[str, str]) -> Iterator[None]:
    """Give the default alias a pool of exactly one connection (a short wait for it)."""
    entry = {"URL": databases["default"], "OPTIONS": {"pool_size": 1, "max_overflow": 0}}
    with settings.override(DATABASES={**databases, "default": entry}):
        yield


async def until(condition: Callable[[], bool]) -> None:
    """Let the loop run until *condition()* holds (other tasks reach their wait)."""
    for _ in range(10_000):
        if condition():
            return
        await asyncio.sleep(0)
    raise AssertionError("the condition never held")


def fair_queue() -> FairQueue[str]:
    return FairQueue(maxsize=2)


async def test_engines_use_the_fair_pool_where_sqlalchemy_would_queue(
    databases: dict[str, str],
) -> None:
    assert type(engines.get().pool) is FairAsyncQueuePool


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_pool_the_settings_name_and_in_memory_sqlite_are_kept(
    databases: dict[str, str],
) -> None:
    named = {"URL": databases["default"], "OPTIONS": {"poolclass": NullPool}}
    with settings.override(DATABASES={**databases, "default": named}):
        assert type(engines.get().pool) is NullPool
    with settings.override(DATABASES={**databases, "default": "sqlite+aiosqlite://"}):
        assert type(engines.get().pool) is StaticPool


async def test_a_request_arriving_as_the_connection_comes_back_waits_behind_the_others(
    one_connection: None,
) -> None:
    """The returned connection goes to the longest-waiting request, not to a newcomer.

    The newcomer is started by the check-in itself, so it runs before the woken waiter: with
    SQLAlchemy's own async queue it would take the connection, and the waiter would go back
    to the end of the line (under load, some requests wait for seconds).
    """
    engine = engines.get()
    queue = engine.pool._pool  # type: ignore[attr-defined]  # the pool's FairQueue
    served: list[str] = []
    arrived: list[asyncio.Task[None]] = []

    async def client(name: str) -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
            served.append(name)

    def arrive(*args: object) -> None:
        arrived.append(asyncio.get_running_loop().create_task(client("newcomer")))

    holder = await engine.connect()
    waiters = [asyncio.create_task(client(f"waiter {number}")) for number in range(3)]
    await until(lambda: queue.waiting == 3)
    event.listen(engine.sync_engine.pool, "checkin", arrive, once=True)
    await holder.close()
    await asyncio.gather(*waiters)
    await asyncio.gather(*arrived)

    assert served == ["waiter 0", "waiter 1", "waiter 2", "newcomer"]
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]  # QueuePool's count


async def test_a_request_waits_up_to_pool_timeout_then_fails_and_leaves_the_line(
    databases: dict[str, str],
) -> None:
    entry = {
        "URL": databases["default"],
        "OPTIONS": {"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.05},
    }
    with settings.override(DATABASES={**databases, "default": entry}):
        engine = engines.get()
        async with engine.connect():
            with pytest.raises(PoolTimeoutError, match="QueuePool limit of size 1 overflow 0"):
                async with engine.connect():
                    pass
            assert engine.pool._pool.waiting == 0  # type: ignore[attr-defined]  # FairQueue
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1


async def test_a_request_cancelled_while_waiting_leaves_the_line(one_connection: None) -> None:
    engine = engines.get()
    queue = engine.pool._pool  # type: ignore[attr-defined]  # the pool's FairQueue
    async with engine.connect():
        waiting = asyncio.create_task(engine.connect().start())
        await until(lambda: queue.waiting == 1)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert queue.waiting == 0
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT 1"))).scalar() == 1
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]  # QueuePool's count


async def test_an_item_handed_to_a_request_cancelled_in_the_same_step_is_passed_on() -> None:
    queue = fair_queue()
    first = asyncio.create_task(greenlet_spawn(queue.get))
    second = asyncio.create_task(greenlet_spawn(queue.get))
    await until(lambda: queue.waiting == 2)

    queue.put_nowait("connection")  # handed to the first waiter, which has not run yet
    first.cancel()

    with pytest.raises(asyncio.CancelledError):
        await first
    assert await second == "connection"
    assert queue.waiting == 0 and queue.empty()


async def test_idle_items_are_taken_without_waiting_and_a_full_queue_refuses() -> None:
    queue = fair_queue()
    queue.put_nowait("a")
    queue.put_nowait("b")
    assert queue.full() and queue.qsize() == 2
    with pytest.raises(Full):
        queue.put_nowait("c")
    assert await greenlet_spawn(queue.get) == "a"
    assert queue.get_nowait() == "b"
    with pytest.raises(Empty):
        queue.get(block=False)
