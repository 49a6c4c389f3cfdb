"""``@cached(ttl=60)``: keep an async function's results in a cache, one computation at a time.

::

    @cached(ttl=300)
    async def popular_posts(limit: int) -> list[dict]:
        return [post.as_dict() for post in await Post.query().order_by(...).limit(limit).all()]

    await popular_posts(10)             # computed, then stored under its arguments
    await popular_posts.invalidate(10)  # after a change: the next call computes again

Stampede-safe: while a result is being computed, other calls with the same arguments wait
for it instead of computing it again — in this process through a shared future, and across
processes through a short lock taken with ``aadd`` on the same cache. The result (``None``
included) is stored for *ttl* seconds. A cache outage is a miss: the function runs and the
caller gets its result (fail open).

Keys are built from the function's module and name and the ``repr`` of its arguments; pass
``key=`` (a function of the same arguments returning a string) when a ``repr`` is not stable
(objects without one, ``self`` of a method).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import inspect
import logging
import secrets
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Generic, ParamSpec, Protocol, TypeVar, cast

from framework.cache.base import DEFAULT, BaseCache, CacheUnavailableError
from framework.cache.config import DEFAULT_ALIAS

__all__ = ["cached"]

P = ParamSpec("P")
R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
logger = logging.getLogger("framework.cache")
#: How long a process may hold the computation lock before others compute anyway (seconds).
DEFAULT_LOCK_TIMEOUT = 30.0


class _CachedFunction(Protocol[P, R_co]):
    """What ``@cached`` returns: the function, with its ``invalidate`` and ``cache_key``."""

    invalidate: Callable[..., Awaitable[None]]
    cache_key: Callable[..., str]

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> Awaitable[R_co]: ...


class _Flights(Generic[R]):
    """The computations in progress on each event loop: key → future of the result."""

    def __init__(self) -> None:
        self._loops: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[str, asyncio.Future[R]]
        ] = weakref.WeakKeyDictionary()

    def on_this_loop(self) -> dict[str, asyncio.Future[R]]:
        loop = asyncio.get_running_loop()
        flights = self._loops.get(loop)
        if flights is None:
            flights = self._loops[loop] = {}
        return flights


async def _wait_for_other_process(
    backend: BaseCache, key: str, lock_key: str, lock_timeout: float
) -> Any:
    """Poll for the value another process is computing; DEFAULT if it gave up or timed out."""
    deadline = time.monotonic() + lock_timeout
    delay = 0.01
    while time.monotonic() < deadline:
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.2)
        value = await backend.aget(key, DEFAULT)
        if value is not DEFAULT:
            return value
        if not await backend.ahas_key(lock_key):
            break
    return DEFAULT


async def _compute(
    backend: BaseCache,
    key: str,
    ttl: Any,
    lock_timeout: float,
    call: Callable[[], Awaitable[R]],
) -> R:
    """Compute under the cross-process lock, store the result, release the lock."""
    lock_key, token = f"{key}:lock", secrets.token_hex(8)
    try:
        locked = await backend.aadd(lock_key, token, timeout=lock_timeout)
    except CacheUnavailableError:
        locked = False
    else:
        if not locked:
            value = await _wait_for_other_process(backend, key, lock_key, lock_timeout)
            if value is not DEFAULT:
                # The other process stored what *call*'s function returned under this key.
                return cast(R, value)
    try:
        result = await call()
        await backend.aset(key, result, ttl)
        return result
    finally:
        if locked and await backend.aget(lock_key) == token:
            await backend.adelete(lock_key)


def _default_key(prefix: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    arguments = repr((args, sorted(kwargs.items())))
    return f"{prefix}:{hashlib.sha256(arguments.encode()).hexdigest()}"


def cached(
    ttl: Any = DEFAULT,
    *,
    key: Callable[..., str] | None = None,
    cache: str = DEFAULT_ALIAS,
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
) -> Any:
    """Cache the results of an ``async def`` function for *ttl* seconds (alias TIMEOUT).

    *key* builds the cache key from the call's arguments; *cache* names the alias;
    *lock_timeout* bounds how long other processes wait for a computation in progress.
    The decorated function gains ``await f.invalidate(*args, **kwargs)`` and
    ``f.cache_key(*args, **kwargs)``.
    """
    if callable(ttl) and not isinstance(ttl, int | float):  # bare @cached
        return cached()(ttl)

    def decorator(func: Callable[P, Awaitable[R]]) -> _CachedFunction[P, R]:
        if not inspect.iscoroutinefunction(func):
            raise TypeError(
                f"@cached is for 'async def' functions; {func.__qualname__} is not one."
            )
        prefix = f"cached:{func.__module__}.{func.__qualname__}"
        flights = _Flights[R]()

        def cache_key(*args: Any, **kwargs: Any) -> str:
            if key is not None:
                return f"{prefix}:{key(*args, **kwargs)}"
            return _default_key(prefix, args, kwargs)

        @functools.wraps(func)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            from framework.cache.registry import caches

            backend, made = caches[cache], cache_key(*args, **kwargs)
            hit = await backend.aget(made, DEFAULT)
            if hit is not DEFAULT:
                # The key names this function and these arguments: the value is what it returned.
                return cast(R, hit)
            running = flights.on_this_loop()
            if made in running:
                return await asyncio.shield(running[made])
            future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
            future.add_done_callback(lambda done: done.cancelled() or done.exception())
            running[made] = future
            try:
                value = await _compute(
                    backend, made, ttl, lock_timeout, lambda: func(*args, **kwargs)
                )
            except asyncio.CancelledError:
                future.cancel()
                raise
            except BaseException as exc:
                future.set_exception(exc)
                raise
            finally:
                running.pop(made, None)
            future.set_result(value)
            return value

        async def invalidate(*args: Any, **kwargs: Any) -> None:
            from framework.cache.registry import caches

            await caches[cache].adelete(cache_key(*args, **kwargs))

        # The wrapper becomes a _CachedFunction by the two assignments below.
        cached_function = cast("_CachedFunction[P, R]", wrapper)
        cached_function.invalidate = invalidate
        cached_function.cache_key = cache_key
        return cached_function

    return decorator
