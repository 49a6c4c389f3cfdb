"""Run ``async def`` commands: one event loop per command, resources closed before it ends."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["run_async"]

T = TypeVar("T")


def run_async(function: Callable[..., Coroutine[Any, Any, T]], *args: Any, **kwargs: Any) -> T:
    """Run *function* to completion in a new event loop, then run the registered clean-ups."""
    from framework.runtime import run_cleanups

    async def main() -> T:
        try:
            return await function(*args, **kwargs)
        finally:
            await run_cleanups()

    return asyncio.run(main())
