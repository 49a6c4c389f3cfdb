"""``redis``: a cache shared by every process and host, on redis-py's asyncio client.

::

    CACHES = {"default": {
        "BACKEND": "redis",
        "LOCATION": "redis://:password@redis.internal:6379/0",   # rediss:// for TLS
        "KEY_PREFIX": "mysite",
        "OPTIONS": {"MAX_CONNECTIONS": 50, "SOCKET_TIMEOUT": 5, "SERIALIZER": "pickle"},
    }}

One connection pool per event loop (redis-py binds connections to the loop that opened
them), closed when that loop's work ends. A lost connection is dropped from the pool and the
next command reconnects, so a restarted Redis is used again without restarting the server.
``aadd`` is ``SET NX``; ``aincr`` and ``ahit`` are Lua scripts, atomic on the server.
``aclear`` deletes the keys under KEY_PREFIX (``SCAN``), or the whole database without one.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
import weakref
from typing import TYPE_CHECKING, Any

from framework.cache.base import DEFAULT, BaseCache
from framework.cache.config import CacheConfig
from framework.exceptions import ImproperlyConfigured, MissingDependencyError

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ["RedisCache"]

_OPTIONS = {
    "SERIALIZER": None,
    "MAX_CONNECTIONS": 50,
    "SOCKET_TIMEOUT": 5.0,
    "SOCKET_CONNECT_TIMEOUT": 5.0,
    "HEALTH_CHECK_INTERVAL": 30,
}
_SCHEMES = ("redis://", "rediss://", "unix://")
# Add to an existing integer only (a missing key is not created): nil when missing.
_INCR = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('INCRBY', KEYS[1], ARGV[1])
"""
# Count in a fixed window: the first hit sets the expiry, later ones keep it.
_HIT = """
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  ttl = tonumber(ARGV[2])
end
return {value, ttl}
"""


def _import_redis() -> Any:
    try:
        import redis.asyncio
        import redis.exceptions
    except ImportError as exc:
        raise MissingDependencyError("redis", extra="redis", feature="the redis cache") from exc
    return redis


def _glob_escape(text: str) -> str:
    return "".join(f"\\{char}" if char in "*?[]\\" else char for char in text)


class RedisCache(BaseCache):
    """A cache on a Redis server (``LOCATION`` is its URL)."""

    def __init__(self, config: CacheConfig) -> None:
        super().__init__(config)
        redis = _import_redis()
        self.unavailable = (
            redis.exceptions.ConnectionError,
            redis.exceptions.TimeoutError,
            OSError,
        )
        self._response_error = redis.exceptions.ResponseError
        if not config.location.startswith(_SCHEMES):
            raise ImproperlyConfigured(
                f"CACHES[{config.alias!r}]['LOCATION'] must be a Redis URL such as "
                f"'redis://127.0.0.1:6379/0'; got {config.location!r}."
            )
        unknown = set(config.options) - set(_OPTIONS)
        if unknown:
            raise ImproperlyConfigured(
                f"CACHES[{config.alias!r}]['OPTIONS'] has unknown keys {sorted(unknown)} "
                f"(known: {', '.join(_OPTIONS)})."
            )
        self.options = {**_OPTIONS, **config.options}
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Redis] = (
            weakref.WeakKeyDictionary()
        )
        self._lock = threading.Lock()

    # -- connections ------------------------------------------------------------------------

    def client(self) -> Redis:
        """Return the client (and its pool) of the running event loop, created on first use."""
        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._clients.get(loop)
            if client is None:
                client = self._clients[loop] = self._connect()
                from framework.runtime import register_cleanup

                register_cleanup(self.aclose)
        return client

    def _connect(self) -> Redis:
        redis = _import_redis()
        options = self.options
        client: Redis = redis.asyncio.Redis.from_url(
            self.config.location,
            max_connections=options["MAX_CONNECTIONS"],
            socket_timeout=options["SOCKET_TIMEOUT"],
            socket_connect_timeout=options["SOCKET_CONNECT_TIMEOUT"],
            health_check_interval=options["HEALTH_CHECK_INTERVAL"],
        )
        return client

    async def aclose(self) -> None:
        """Close the running loop's client and its pool."""
        loop = asyncio.get_running_loop()
        with self._lock:
            client = self._clients.pop(loop, None)
        if client is not None:
            await client.aclose()

    # -- primitives -------------------------------------------------------------------------

    @staticmethod
    def _px(timeout: float | None) -> int | None:
        return None if timeout is None else max(1, int(timeout * 1000))

    async def _get(self, key: str) -> Any:
        data = await self.client().get(key)
        return DEFAULT if data is None else data

    async def _get_many(self, keys: list[str]) -> dict[str, Any]:
        if not keys:
            return {}
        values = await self.client().mget(keys)
        return {key: data for key, data in zip(keys, values, strict=True) if data is not None}

    async def _set(self, key: str, data: bytes | int, timeout: float | None) -> None:
        await self.client().set(key, data, px=self._px(timeout))

    async def _set_many(self, items: dict[str, bytes | int], timeout: float | None) -> None:
        async with self.client().pipeline(transaction=True) as pipe:
            for key, data in items.items():
                pipe.set(key, data, px=self._px(timeout))
            await pipe.execute()

    async def _add(self, key: str, data: bytes | int, timeout: float | None) -> bool:
        return bool(await self.client().set(key, data, px=self._px(timeout), nx=True))

    async def _incr(self, key: str, delta: int) -> int | None:
        try:
            value = await self.client().eval(_INCR, 1, key, delta)
        except self._response_error:  # the value is not an integer
            return None
        return None if value is None else int(value)

    async def _delete(self, key: str) -> bool:
        return bool(await self.client().delete(key))

    async def _delete_many(self, keys: list[str]) -> None:
        if keys:
            await self.client().delete(*keys)

    async def _ttl(self, key: str) -> Any:
        milliseconds = await self.client().pttl(key)
        if milliseconds == -2:
            return DEFAULT
        return math.inf if milliseconds == -1 else milliseconds / 1000

    async def _hit(self, key: str, delta: int, timeout: float) -> tuple[int, float]:
        value, ttl = await self.client().eval(_HIT, 1, key, delta, max(1, int(timeout * 1000)))
        return int(value), time.time() + int(ttl) / 1000

    async def _clear(self) -> None:
        client = self.client()
        if not self.key_prefix:
            await client.flushdb()
            return
        batch: list[bytes] = []
        async for key in client.scan_iter(match=f"{_glob_escape(self.key_prefix)}:*", count=500):
            batch.append(key)
            if len(batch) >= 500:
                await client.unlink(*batch)
                batch.clear()
        if batch:
            await client.unlink(*batch)
