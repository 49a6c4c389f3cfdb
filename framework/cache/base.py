"""``BaseCache``: the async cache API every backend shares, and its sync wrappers.

A backend implements a few primitives on finished keys (``_get``, ``_set``, ``_add``,
``_incr``, ``_delete``, ``_clear``, ``_ttl``, ``_hit``); this class builds the public API
on them: keys made from ``KEY_PREFIX`` and ``VERSION``, timeouts from the alias, and the
outage rule —

* **reads and plain writes fail open**: when the store cannot be reached, ``aget`` returns
  the default (a miss) and ``aset``/``adelete`` do nothing, with one warning logged per
  outage; a page or function cached through it is computed as if nothing were cached;
* **coordination fails closed**: ``aadd``, ``aincr``, ``adecr`` and ``ahit`` raise
  :class:`CacheUnavailableError`, because their answer decides something (a lock, a
  counter, a rate limit) that a guess would get wrong.

The sync methods (``get``, ``set``, …) are for shells, scripts and commands: each runs the
async method on an event loop of its own. In ``async def`` code, await the ``a…`` methods.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, ClassVar, TypeVar

from framework.cache.config import CacheConfig
from framework.cache.serializers import Serializer, get_serializer
from framework.exceptions import FrameworkError

__all__ = [
    "DEFAULT",
    "MAX_KEY_LENGTH",
    "BaseCache",
    "CacheError",
    "CacheUnavailableError",
    "Missing",
]

logger = logging.getLogger("framework.cache")
T = TypeVar("T")
#: Longest finished key (prefix and version included), so every backend accepts the same keys.
MAX_KEY_LENGTH = 250


class Missing:
    """The type of :data:`DEFAULT` and of "no entry" inside backends."""

    _instance: ClassVar[Missing | None] = None

    def __new__(cls) -> Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "DEFAULT"


#: "Use the alias's TIMEOUT" for ``timeout=``; "no entry" for backend primitives.
DEFAULT: Any = Missing()


class CacheError(FrameworkError):
    """A cache operation failed."""


class CacheUnavailableError(CacheError):
    """The cache store cannot be reached (Redis down, database locked or gone)."""


def _check_key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"Cache keys are strings; got {type(key).__name__} {key!r}.")
    return key


class BaseCache:
    """The cache API on top of a backend's primitives; see the module docstring."""

    #: Exceptions of the backend's client that mean "the store cannot be reached".
    unavailable: tuple[type[BaseException], ...] = ()

    def __init__(self, config: CacheConfig) -> None:
        self.config = config
        self.alias = config.alias
        self.default_timeout = config.timeout
        self.key_prefix = config.key_prefix
        self.version = config.version
        self.serializer: Serializer = get_serializer(config.alias, config.options.get("SERIALIZER"))
        self._down = False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.alias!r}>"

    # -- keys and timeouts ------------------------------------------------------------------

    def make_key(self, key: str, version: int | None = None) -> str:
        """Return the stored key: ``prefix:version:key`` (at most 250 characters)."""
        made = f"{self.key_prefix}:{self.version if version is None else version}:{_check_key(key)}"
        if len(made) > MAX_KEY_LENGTH:
            raise ValueError(
                f"The cache key {key[:40]!r}... is {len(made)} characters with its prefix and "
                f"version; the limit is {MAX_KEY_LENGTH}. Hash long keys (hashlib.sha256)."
            )
        return made

    def get_timeout(self, timeout: Any = DEFAULT) -> float | None:
        """Return seconds to keep an entry: the alias's TIMEOUT for DEFAULT, None = forever."""
        if timeout is DEFAULT:
            return self.default_timeout
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float)
        ):
            raise TypeError(f"timeout must be seconds or None; got {timeout!r}.")
        return timeout

    @staticmethod
    def expiry(timeout: float | None) -> float:
        """Return the absolute time (``time.time()``) an entry made now expires; inf = never."""
        return math.inf if timeout is None else time.time() + timeout

    # -- outages ----------------------------------------------------------------------------

    async def _guard(self, operation: str, call: Awaitable[T], fallback: T) -> T:
        """Await *call*; on an outage log once and return *fallback* (fail open)."""
        try:
            result = await call
        except self.unavailable as exc:
            if not self._down:
                self._down = True
                logger.warning(
                    "Cache %r is unavailable (%s: %s); %s treated as a miss until it is back.",
                    self.alias,
                    type(exc).__name__,
                    exc,
                    operation,
                )
            return fallback
        self._recovered()
        return result

    async def _strict(self, call: Awaitable[T]) -> T:
        """Await *call*; an outage raises :class:`CacheUnavailableError` (fail closed)."""
        try:
            result = await call
        except self.unavailable as exc:
            raise CacheUnavailableError(
                f"Cache {self.alias!r} is unavailable: {type(exc).__name__}: {exc}"
            ) from exc
        self._recovered()
        return result

    def _recovered(self) -> None:
        if self._down:
            self._down = False
            logger.warning("Cache %r is available again.", self.alias)

    # -- the async API ----------------------------------------------------------------------

    async def aget(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """Return the value of *key*, or *default* when it is missing, expired or unreachable."""
        made = self.make_key(key, version)
        data = await self._guard("reads are", self._get(made), DEFAULT)
        return default if data is DEFAULT else self.serializer.loads(data)

    async def aset(
        self, key: str, value: Any, timeout: Any = DEFAULT, version: int | None = None
    ) -> None:
        """Store *value* under *key* for *timeout* seconds (None: until deleted; ≤ 0: delete)."""
        made = self.make_key(key, version)
        seconds = self.get_timeout(timeout)
        if seconds is not None and seconds <= 0:
            await self._guard("writes are", self._delete(made), False)
            return
        await self._guard(
            "writes are", self._set(made, self.serializer.dumps(value), seconds), None
        )

    async def aadd(
        self, key: str, value: Any, timeout: Any = DEFAULT, version: int | None = None
    ) -> bool:
        """Store *value* only if *key* has no live entry; return whether it was stored.

        Atomic on every backend: of several processes adding one key at once, one wins.
        """
        made = self.make_key(key, version)
        seconds = self.get_timeout(timeout)
        if seconds is not None and seconds <= 0:
            return False
        return await self._strict(self._add(made, self.serializer.dumps(value), seconds))

    async def aincr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Add *delta* to the integer at *key* and return it (ValueError when missing).

        Atomic on every backend; the entry keeps its expiry.
        """
        if isinstance(delta, bool) or not isinstance(delta, int):
            raise TypeError(f"delta must be an integer; got {delta!r}.")
        made = self.make_key(key, version)
        value = await self._strict(self._incr(made, delta))
        if value is None:
            raise ValueError(f"The cache has no integer under {key!r} to increment.")
        return value

    async def adecr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Subtract *delta* from the integer at *key* and return it (ValueError when missing)."""
        return await self.aincr(key, -delta, version)

    async def adelete(self, key: str, version: int | None = None) -> bool:
        """Delete *key*; return whether there was a live entry."""
        return await self._guard("writes are", self._delete(self.make_key(key, version)), False)

    async def aget_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        """Return ``{key: value}`` for the keys that have a live entry."""
        made = {self.make_key(key, version): key for key in keys}
        found = await self._guard("reads are", self._get_many(list(made)), {})
        return {made[k]: self.serializer.loads(v) for k, v in found.items()}

    async def aset_many(
        self, mapping: Mapping[str, Any], timeout: Any = DEFAULT, version: int | None = None
    ) -> list[str]:
        """Store every item of *mapping*; return the keys that could not be stored."""
        seconds = self.get_timeout(timeout)
        items = {self.make_key(k, version): self.serializer.dumps(v) for k, v in mapping.items()}
        if seconds is not None and seconds <= 0:
            await self._guard("writes are", self._delete_many(list(items)), None)
            return []
        stored = await self._guard("writes are", self._set_many(items, seconds), False)
        return [] if stored is not False else list(mapping)

    async def adelete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        """Delete every key of *keys*."""
        made = [self.make_key(key, version) for key in keys]
        await self._guard("writes are", self._delete_many(made), None)

    async def ahas_key(self, key: str, version: int | None = None) -> bool:
        """Return whether *key* has a live entry (False when the store is unreachable)."""
        found = await self._guard("reads are", self._get(self.make_key(key, version)), DEFAULT)
        return found is not DEFAULT

    async def aget_or_set(
        self,
        key: str,
        default: Any,
        timeout: Any = DEFAULT,
        version: int | None = None,
    ) -> Any:
        """Return *key*'s value; when missing, store *default* (called if callable) first."""
        value = await self.aget(key, DEFAULT, version)
        if value is not DEFAULT:
            return value
        value = default() if callable(default) else default
        if asyncio.iscoroutine(value):
            value = await value
        await self.aset(key, value, timeout, version)
        return value

    async def attl(self, key: str, version: int | None = None) -> float | None:
        """Return the seconds *key* has left: ``math.inf`` if it never expires, None if missing."""
        remaining = await self._guard("reads are", self._ttl(self.make_key(key, version)), DEFAULT)
        if remaining is DEFAULT:
            return None
        return float(remaining)

    async def ahit(
        self, key: str, timeout: float, delta: int = 1, version: int | None = None
    ) -> tuple[int, float]:
        """Count *delta* in the window at *key*: ``(count, expires_at)``; atomic, fail closed.

        A missing or expired window starts at 0 and lives *timeout* seconds; later hits
        keep its expiry (a fixed window: what rate limits and login throttling count in).
        """
        made = self.make_key(key, version)
        return await self._strict(self._hit(made, delta, timeout))

    async def read_strict(self, key: str) -> tuple[Any, float | None]:
        """Return ``(value or DEFAULT, seconds left or None)``; an outage raises (fail closed).

        For security uses (throttles) that must not read a down cache as "nothing counted".
        """
        made = self.make_key(key)
        data = await self._strict(self._get(made))
        remaining = await self._strict(self._ttl(made))
        value = DEFAULT if data is DEFAULT else self.serializer.loads(data)
        return value, None if remaining is DEFAULT else float(remaining)

    async def aclear(self) -> None:
        """Delete every entry of this alias (only keys with its KEY_PREFIX, where shared)."""
        await self._strict(self._clear())

    async def aclose(self) -> None:
        """Release the connections this cache opened on the running event loop."""

    # -- primitives (finished keys; DEFAULT means no entry) ---------------------------------

    async def _get(self, key: str) -> Any:
        raise NotImplementedError

    async def _get_many(self, keys: list[str]) -> dict[str, Any]:
        found = {key: await self._get(key) for key in keys}
        return {key: value for key, value in found.items() if value is not DEFAULT}

    async def _set(self, key: str, data: bytes | int, timeout: float | None) -> None:
        raise NotImplementedError

    async def _set_many(self, items: dict[str, bytes | int], timeout: float | None) -> None:
        for key, data in items.items():
            await self._set(key, data, timeout)

    async def _add(self, key: str, data: bytes | int, timeout: float | None) -> bool:
        raise NotImplementedError

    async def _incr(self, key: str, delta: int) -> int | None:
        raise NotImplementedError

    async def _delete(self, key: str) -> bool:
        raise NotImplementedError

    async def _delete_many(self, keys: list[str]) -> None:
        for key in keys:
            await self._delete(key)

    async def _ttl(self, key: str) -> Any:
        raise NotImplementedError

    async def _hit(self, key: str, delta: int, timeout: float) -> tuple[int, float]:
        raise NotImplementedError

    async def _clear(self) -> None:
        raise NotImplementedError

    # -- sync wrappers (shells, scripts, commands) ------------------------------------------

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """Run :meth:`aget` (outside ``async def`` code)."""
        return run_sync(lambda: self.aget(key, default, version))

    def set(self, key: str, value: Any, timeout: Any = DEFAULT, version: int | None = None) -> None:
        """Run :meth:`aset`."""
        run_sync(lambda: self.aset(key, value, timeout, version))

    def add(self, key: str, value: Any, timeout: Any = DEFAULT, version: int | None = None) -> bool:
        """Run :meth:`aadd`."""
        return run_sync(lambda: self.aadd(key, value, timeout, version))

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Run :meth:`aincr`."""
        return run_sync(lambda: self.aincr(key, delta, version))

    def decr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Run :meth:`adecr`."""
        return run_sync(lambda: self.adecr(key, delta, version))

    def delete(self, key: str, version: int | None = None) -> bool:
        """Run :meth:`adelete`."""
        return run_sync(lambda: self.adelete(key, version))

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        """Run :meth:`aget_many`."""
        return run_sync(lambda: self.aget_many(keys, version))

    def set_many(
        self, mapping: Mapping[str, Any], timeout: Any = DEFAULT, version: int | None = None
    ) -> list[str]:
        """Run :meth:`aset_many`."""
        return run_sync(lambda: self.aset_many(mapping, timeout, version))

    def has_key(self, key: str, version: int | None = None) -> bool:
        """Run :meth:`ahas_key`."""
        return run_sync(lambda: self.ahas_key(key, version))

    def ttl(self, key: str, version: int | None = None) -> float | None:
        """Run :meth:`attl`."""
        return run_sync(lambda: self.attl(key, version))

    def clear(self) -> None:
        """Run :meth:`aclear`."""
        run_sync(self.aclear)


def run_sync(call: Callable[[], Awaitable[T]]) -> T:
    """Run ``call()`` on a new event loop, closing what it opened; refuse inside a loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        raise RuntimeError(
            "The sync cache methods (cache.get, cache.set, ...) are for shells and scripts; "
            "in async code await the async ones (await cache.aget(...))."
        )

    async def main() -> T:
        from framework.runtime import run_cleanups

        try:
            return await call()
        finally:
            await run_cleanups()

    return asyncio.run(main())
