"""Run the async task API from synchronous code (``enqueue()``, ``refresh()``).

Synchronous callers have no event loop, so the call gets a private one, closed with the
resources it opened (engines) before returning. Called from the thread that runs an event
loop, it would block that loop: it refuses and names the ``a…`` method to await instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["run_sync"]

T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run *coroutine* to completion in a private event loop and return its result."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        name = getattr(coroutine, "__qualname__", "the call")
        coroutine.close()
        raise RuntimeError(
            f"{name} was called synchronously inside a running event loop, which it would "
            "block: await the async form instead (aenqueue(), arefresh(), aget_result())."
        )

    async def main() -> T:
        from framework.runtime import run_cleanups

        try:
            return await coroutine
        finally:
            await run_cleanups()

    return asyncio.run(main())
