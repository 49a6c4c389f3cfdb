"""``Throttle``: count requests in fixed windows on a cache alias, with the ``limits`` library.

``limits`` parses the rates (``"10/minute"``, ``"5 per 2 minutes"``, ``"10/minute;100/hour"``)
and applies its fixed-window strategy; the counts live in a cache (``RATELIMIT_CACHE`` by
default) through :func:`cache_storage`, whose increments are the cache's atomic ``ahit``.
So a limit holds across every process and host that share the cache (Redis, the database),
and fails closed: when the cache is down, :meth:`Throttle.hit` raises
``CacheUnavailableError`` and the caller refuses the request.

``@ratelimit`` (``framework.web``) and LOGIN_THROTTLE (``framework.auth``) are built on it.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
import time
from dataclasses import dataclass
from typing import Any

from framework.cache.base import BaseCache, CacheUnavailableError
from framework.exceptions import ImproperlyConfigured

__all__ = ["Throttle", "Verdict", "cache_storage", "is_rate", "parse_rate"]

_MAX_KEY = 200
# The rate grammar of ``limits`` (its parse_many), so the system checks can validate a rate
# without importing the library: "10/minute", "5 per 2 hours", several joined by , ; or |.
_ONE_RATE = (
    r"\s*[0-9]+\s*(?:/|\s*per\s*)\s*(?:[0-9]+)?\s*(?:second|minute|hour|day|month|year)s?\s*"
)
_RATES = re.compile(rf"^{_ONE_RATE}(?:[,;|]{_ONE_RATE})*$", re.IGNORECASE)


def is_rate(text: Any) -> bool:
    """Return whether *text* is a rate ``limits`` accepts, without importing it."""
    return isinstance(text, str) and _RATES.match(text) is not None


def parse_rate(rate: Any, *, setting: str = "rate") -> list[Any]:
    """Return the ``limits`` items of *rate* (``"10/minute;100/hour"``); refuse a bad one."""
    from limits import parse_many

    try:
        items = parse_many(rate) if isinstance(rate, str) and rate.strip() else []
    except ValueError:
        items = []
    if not items:
        raise ImproperlyConfigured(
            f"{setting} {rate!r} is not a rate: write '10/minute', '5 per 2 hours' or "
            "several separated by ';' ('10/minute;100/hour')."
        )
    return items


def cache_storage(cache: BaseCache) -> Any:
    """Return a ``limits`` async storage that counts in *cache*."""
    return _storage_class()(cache)


def _safe_key(key: str) -> str:
    return key if len(key) <= _MAX_KEY else "h:" + hashlib.sha256(key.encode()).hexdigest()


@functools.cache
def _storage_class() -> type:
    """Return the storage class (defined on first use: ``limits`` is imported then)."""
    from limits.aio.storage import Storage

    class CacheStorage(Storage):
        STORAGE_SCHEME = None

        def __init__(self, cache: BaseCache) -> None:
            super().__init__()
            self.cache = cache

        @property
        def base_exceptions(self) -> type[Exception]:
            return CacheUnavailableError

        async def incr(self, key: str, expiry: int, amount: int = 1) -> int:
            count, _ = await self.cache.ahit(_safe_key(key), expiry, amount)
            return count

        async def get(self, key: str) -> int:
            value, _ = await self.cache.read_strict(_safe_key(key))
            return value if isinstance(value, int) else 0

        async def get_expiry(self, key: str) -> float:
            _, remaining = await self.cache.read_strict(_safe_key(key))
            return time.time() + (remaining if remaining not in (None, math.inf) else 0)

        async def check(self) -> bool:
            return True

        async def reset(self) -> int | None:
            return None

        async def clear(self, key: str) -> None:
            await self.cache.adelete(_safe_key(key))

    return CacheStorage


@dataclass(frozen=True)
class Verdict:
    """The answer of :meth:`Throttle.hit`: allowed, or refused for *retry_after* seconds."""

    allowed: bool
    retry_after: int = 0
    #: The rate that refused, in words (``"5 per 1 minute"``).
    limit: str = ""


class Throttle:
    """Fixed-window limits (*rate*) counted in the cache *alias* under *scope*."""

    def __init__(self, rate: str, *, scope: str, alias: str | None = None, setting: str = "rate"):
        self.rate = rate
        self.items = parse_rate(rate, setting=setting)
        self.scope = scope
        self.alias = alias
        self._limiters: dict[int, tuple[BaseCache, Any]] = {}

    def _limiter(self) -> Any:
        from limits.aio.strategies import FixedWindowRateLimiter

        from framework.cache.registry import caches

        if self.alias is None:
            from framework.conf import settings

            alias = str(settings.RATELIMIT_CACHE)
        else:
            alias = self.alias
        backend = caches[alias]
        cached = self._limiters.get(id(backend))
        if cached is None or cached[0] is not backend:  # built once per cache backend
            cached = (backend, FixedWindowRateLimiter(cache_storage(backend)))
            self._limiters = {id(backend): cached}
        return cached[1]

    async def hit(self, *identifiers: str, cost: int = 1) -> Verdict:
        """Count one request of *identifiers* in every window; refuse when one is full."""
        limiter = self._limiter()
        for item in self.items:
            if not await limiter.hit(item, self.scope, *identifiers, cost=cost):
                return await self._refused(limiter, item, identifiers)
        return Verdict(True)

    async def test(self, *identifiers: str) -> Verdict:
        """Return whether one more request of *identifiers* would be allowed (counts none)."""
        limiter = self._limiter()
        for item in self.items:
            if not await limiter.test(item, self.scope, *identifiers):
                return await self._refused(limiter, item, identifiers)
        return Verdict(True)

    async def _refused(self, limiter: Any, item: Any, identifiers: tuple[str, ...]) -> Verdict:
        stats = await limiter.get_window_stats(item, self.scope, *identifiers)
        return Verdict(False, max(1, math.ceil(stats.reset_time - time.time())), str(item))

    async def refund(self, *identifiers: str, cost: int = 1) -> None:
        """Give back what :meth:`hit` counted (a login that succeeded)."""
        limiter = self._limiter()
        for item in self.items:
            await limiter.storage.incr(
                item.key_for(self.scope, *identifiers), item.get_expiry(), amount=-cost
            )

    async def clear(self, *identifiers: str) -> None:
        """Forget the counts of *identifiers* (start every window afresh)."""
        limiter = self._limiter()
        for item in self.items:
            await limiter.clear(item, self.scope, *identifiers)
