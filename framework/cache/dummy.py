"""``dummy``: a cache that keeps nothing — every read is a miss (development, tests).

Writes succeed and are forgotten; ``aadd`` reports success, as the key was never there.
Counters have nowhere to live, so ``aincr`` raises ``ValueError`` (no entry) and ``ahit``
counts every window from scratch: a rate limit on a dummy cache never triggers.
"""

from __future__ import annotations

import time
from typing import Any

from framework.cache.base import DEFAULT, BaseCache

__all__ = ["DummyCache"]


class DummyCache(BaseCache):
    """Store nothing; read nothing."""

    async def _get(self, key: str) -> Any:
        return DEFAULT

    async def _set(self, key: str, data: bytes | int, timeout: float | None) -> None:
        return None

    async def _add(self, key: str, data: bytes | int, timeout: float | None) -> bool:
        return True

    async def _incr(self, key: str, delta: int) -> int | None:
        return None

    async def _delete(self, key: str) -> bool:
        return False

    async def _ttl(self, key: str) -> Any:
        return DEFAULT

    async def _hit(self, key: str, delta: int, timeout: float) -> tuple[int, float]:
        return delta, time.time() + timeout

    async def _clear(self) -> None:
        return None
