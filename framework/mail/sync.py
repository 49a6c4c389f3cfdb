"""Run mail's async sends from synchronous code (``send()``, ``send_mail``, ``send_messages``).

The lowest module of ``framework.mail``: the message, the backends and the sending functions
all run their coroutines through it, so none of them imports another for this.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["run_sync"]

T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run *coroutine* to completion from synchronous code, inside an event loop or not.

    Called from a thread whose event loop is running (synchronous code in an async app),
    the coroutine runs in a worker thread with a loop of its own: this call blocks, as any
    synchronous send does.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
