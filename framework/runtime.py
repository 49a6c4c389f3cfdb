"""Process-wide async clean-up: resources opened lazily (database engines…) close here.

Lower layers register a clean-up when they open something; whoever owns the event loop (the
CLI running an ``async`` command, the web app's lifespan, the test plugin) awaits
:func:`run_cleanups` before the loop ends, so no connection outlives its loop.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

__all__ = ["register_cleanup", "run_cleanups"]

logger = logging.getLogger("framework.runtime")

_cleanups: list[Callable[[], Awaitable[None]]] = []


def register_cleanup(cleanup: Callable[[], Awaitable[None]]) -> None:
    """Have *cleanup* awaited (once) when the current event loop's work ends."""
    if cleanup not in _cleanups:
        _cleanups.append(cleanup)


async def run_cleanups() -> None:
    """Await every registered clean-up, newest first; a failure is logged, not raised."""
    while _cleanups:
        cleanup = _cleanups.pop()
        try:
            await cleanup()
        except Exception:
            logger.exception("Clean-up %r failed", cleanup)
