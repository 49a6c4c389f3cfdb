"""``locmem``: a cache in this process's memory — the zero-setup default.

Each process has its own: with ``serve --workers 4`` or several hosts, four caches that do
not see each other (``check`` warns, ``cache.W001``). Entries are stored serialized, so a
value read back is a copy, as from any other backend. ``LOCATION`` names the store (aliases
with the same LOCATION share one); ``OPTIONS["MAX_ENTRIES"]`` (default 10,000) bounds it,
evicting the least recently used entry first.

Every operation holds a lock for a dictionary step only, so ``aadd`` and ``aincr`` are
atomic between the threads and event loops of one process.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from typing import Any

from framework.cache.base import DEFAULT, BaseCache
from framework.cache.config import CacheConfig
from framework.exceptions import ImproperlyConfigured

__all__ = ["LocMemCache", "clear_all_stores"]

DEFAULT_MAX_ENTRIES = 10_000


class _Store:
    """One named in-memory store: key → (data, expires_at), least recently used first."""

    def __init__(self) -> None:
        self.entries: OrderedDict[str, tuple[bytes | int, float]] = OrderedDict()
        self.lock = threading.Lock()


_stores: dict[str, _Store] = {}
_stores_lock = threading.Lock()


def _store(name: str) -> _Store:
    with _stores_lock:
        return _stores.setdefault(name, _Store())


def clear_all_stores() -> None:
    """Empty every locmem store of this process (the test plugin calls it after each test)."""
    with _stores_lock:
        stores = list(_stores.values())
    for store in stores:
        with store.lock:
            store.entries.clear()


class LocMemCache(BaseCache):
    """A per-process, least-recently-used cache."""

    def __init__(self, config: CacheConfig) -> None:
        super().__init__(config)
        max_entries = config.options.get("MAX_ENTRIES", DEFAULT_MAX_ENTRIES)
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise ImproperlyConfigured(
                f"CACHES[{config.alias!r}]['OPTIONS']['MAX_ENTRIES'] must be a positive "
                f"integer; got {max_entries!r}."
            )
        self.max_entries = max_entries
        self._store = _store(config.location or config.alias)

    def _live(self, key: str, now: float) -> tuple[bytes | int, float] | None:
        """Return *key*'s entry if it has not expired (the lock is held)."""
        entry = self._store.entries.get(key)
        if entry is None:
            return None
        if entry[1] <= now:
            del self._store.entries[key]
            return None
        self._store.entries.move_to_end(key)
        return entry

    def _put(self, key: str, data: bytes | int, expires: float) -> None:
        entries = self._store.entries
        entries[key] = (data, expires)
        entries.move_to_end(key)
        while len(entries) > self.max_entries:
            entries.popitem(last=False)

    async def _get(self, key: str) -> Any:
        with self._store.lock:
            entry = self._live(key, time.time())
        return DEFAULT if entry is None else entry[0]

    async def _set(self, key: str, data: bytes | int, timeout: float | None) -> None:
        with self._store.lock:
            self._put(key, data, self.expiry(timeout))

    async def _add(self, key: str, data: bytes | int, timeout: float | None) -> bool:
        with self._store.lock:
            if self._live(key, time.time()) is not None:
                return False
            self._put(key, data, self.expiry(timeout))
            return True

    async def _incr(self, key: str, delta: int) -> int | None:
        with self._store.lock:
            entry = self._live(key, time.time())
            if entry is None or not isinstance(entry[0], int):
                return None
            value = entry[0] + delta
            self._store.entries[key] = (value, entry[1])
            return value

    async def _delete(self, key: str) -> bool:
        with self._store.lock:
            found = self._live(key, time.time()) is not None
            self._store.entries.pop(key, None)
            return found

    async def _ttl(self, key: str) -> Any:
        now = time.time()
        with self._store.lock:
            entry = self._live(key, now)
        if entry is None:
            return DEFAULT
        return math.inf if entry[1] == math.inf else max(0.0, entry[1] - now)

    async def _hit(self, key: str, delta: int, timeout: float) -> tuple[int, float]:
        now = time.time()
        with self._store.lock:
            entry = self._live(key, now)
            if entry is None or not isinstance(entry[0], int):
                entry = (0, now + timeout)
            value, expires = int(entry[0]) + delta, entry[1]
            self._put(key, value, expires)
        return value, expires

    async def _clear(self) -> None:
        prefix = f"{self.key_prefix}:"
        with self._store.lock:
            for key in [k for k in self._store.entries if k.startswith(prefix)]:
                del self._store.entries[key]
