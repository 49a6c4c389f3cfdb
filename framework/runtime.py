"""Per-event-loop async clean-up: resources opened lazily (database engines…) close here.

Lower layers register a clean-up when they open something on a loop; whoever owns that loop
(the CLI running an ``async`` command, the web app's lifespan, the test plugin) awaits
:func:`run_cleanups` before the loop ends, so no connection outlives its loop. Clean-ups are
kept per loop: a server running in a thread and a command in the main thread each close only
what they opened.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections.abc import Awaitable, Callable

__all__ = ["register_cleanup", "run_cleanups"]

logger = logging.getLogger("framework.runtime")

_cleanups: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, list[Callable[[], Awaitable[None]]]
] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def register_cleanup(cleanup: Callable[[], Awaitable[None]]) -> None:
    """Have *cleanup* awaited (once) when the running event loop's work ends."""
    loop = asyncio.get_running_loop()
    with _lock:
        pending = _cleanups.setdefault(loop, [])
        if cleanup not in pending:
            pending.append(cleanup)


async def run_cleanups() -> None:
    """Await the running loop's clean-ups, newest first; a failure is logged, not raised."""
    loop = asyncio.get_running_loop()
    while True:
        with _lock:
            pending = _cleanups.get(loop)
            if not pending:
                _cleanups.pop(loop, None)
                return
            cleanup = pending.pop()
        try:
            await cleanup()
        except Exception:
            logger.exception("Clean-up %r failed", cleanup)
