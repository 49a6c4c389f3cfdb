"""``@cached``: results kept per arguments, one computation at a time, outages fail open."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from framework.cache import cache, cached
from framework.conf import settings
from tests.support.redisserver import redis_database_url


@pytest.fixture(autouse=True)
def configured() -> None:
    settings.configure(SECRET_KEY="cached-tests-secret-key-0123456789abcdefghij")


async def test_results_are_kept_per_arguments() -> None:
    calls: list[tuple[Any, ...]] = []

    @cached(ttl=60)
    async def square(number: int, *, offset: int = 0) -> int:
        calls.append((number, offset))
        return number * number + offset

    assert [await square(3), await square(3), await square(4), await square(3, offset=1)] == [
        9,
        9,
        16,
        10,
    ]
    assert calls == [(3, 0), (4, 0), (3, 1)]
    remaining = await cache.attl(square.cache_key(3))  # type: ignore[attr-defined]
    assert remaining is not None and 0 < remaining <= 60


async def test_none_is_a_result_too() -> None:
    calls: list[int] = []

    @cached
    async def nothing() -> None:
        calls.append(1)

    await nothing()
    await nothing()
    assert calls == [1]


async def test_concurrent_calls_share_one_computation() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    calls: list[int] = []

    @cached(ttl=60)
    async def slow() -> str:
        calls.append(1)
        started.set()
        await release.wait()
        return "done"

    first = asyncio.create_task(slow())
    await started.wait()
    others = [asyncio.create_task(slow()) for _ in range(5)]
    await asyncio.sleep(0)  # let the others reach the shared computation
    release.set()
    assert await asyncio.gather(first, *others) == ["done"] * 6
    assert calls == [1]


async def test_an_error_reaches_every_waiter_and_is_not_cached() -> None:
    started, release = asyncio.Event(), asyncio.Event()
    calls: list[int] = []

    @cached(ttl=60)
    async def failing() -> str:
        calls.append(1)
        started.set()
        await release.wait()
        raise RuntimeError("upstream down")

    first = asyncio.create_task(failing())
    await started.wait()
    second = asyncio.create_task(failing())
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(first, second, return_exceptions=True)
    assert [str(result) for result in results] == ["upstream down"] * 2
    with pytest.raises(RuntimeError):
        await failing()
    assert calls == [1, 1]


async def test_invalidate_makes_the_next_call_compute() -> None:
    values = iter([1, 2])

    @cached(ttl=60, key=lambda user_id: f"user:{user_id}")
    async def profile(user_id: int) -> int:
        return next(values)

    assert await profile(7) == 1
    assert await profile(7) == 1
    await profile.invalidate(7)  # type: ignore[attr-defined]
    assert await profile(7) == 2
    assert profile.cache_key(7).endswith(":user:7")  # type: ignore[attr-defined]


def test_two_event_loops_sharing_redis_compute_once() -> None:
    """Two threads with their own loops stand for two processes: the aadd lock holds."""
    caches = {"default": {"BACKEND": "redis", "LOCATION": redis_database_url()}}
    callers: list[int] = []
    both_called = threading.Event()
    calls: list[str] = []

    def key() -> str:
        callers.append(1)
        if len(callers) == 2:
            both_called.set()
        return "report"

    @cached(ttl=60, key=key, lock_timeout=30)
    async def report() -> str:
        calls.append(threading.current_thread().name)
        # Finish only once the other caller is inside too: it must wait, not compute.
        await asyncio.to_thread(both_called.wait, 30)
        return "report"

    results: list[str] = []

    def worker() -> None:
        results.append(asyncio.run(_run_and_close(report)))

    with settings.override(CACHES=caches):
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert results == ["report", "report"]
    assert len(calls) == 1


async def _run_and_close(function: Any) -> Any:
    from framework.runtime import run_cleanups

    try:
        return await function()
    finally:
        await run_cleanups()


async def test_an_unreachable_cache_computes_every_time() -> None:
    caches = {"default": {"BACKEND": "redis", "LOCATION": "redis://127.0.0.1:1/0"}}
    calls: list[int] = []

    @cached(ttl=60)
    async def value() -> int:
        calls.append(1)
        return 5

    with settings.override(CACHES=caches):
        assert [await value(), await value()] == [5, 5]
    assert calls == [1, 1]


def test_only_for_async_functions() -> None:
    with pytest.raises(
        TypeError, match=r"@cached is for 'async def' functions; .*plain is not one\."
    ):

        @cached(ttl=5)
        def plain() -> int:
            return 1
