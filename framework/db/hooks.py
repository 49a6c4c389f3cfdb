"""``on_commit``: run code once the surrounding transaction has committed, never before.

Django's rule, so side effects (an e-mail, a job started in memory, a cache purge) never
follow data that was rolled back::

    async with transaction():
        order = await Order.create(...)
        on_commit(lambda: notify(order.id))      # runs after the outermost commit

* Inside a ``transaction()`` block or an atomic request, *func* waits for the outermost
  commit; a rollback drops it, and so does the rollback of the savepoint it was registered
  in (a nested block that failed).
* Outside any transaction (autocommit), there is nothing to wait for: *func* runs now.

*func* may be a plain or an ``async`` function. Callbacks run in registration order; one
that raises is logged on the ``framework.db`` logger and the others still run, because the
data is already committed and the caller's success must not turn into an error.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import Any

from framework.db.sessions import CommitHook, current_scope_or_none

__all__ = ["on_commit"]

logger = logging.getLogger("framework.db")

# Coroutines started by on_commit outside a transaction: kept so they are not collected.
_running: set[asyncio.Task[Any]] = set()


def on_commit(func: Callable[[], Any]) -> None:
    """Run *func* after the current transaction commits (now, when there is none)."""
    if not callable(func):
        raise TypeError(f"on_commit() needs a callable; got {func!r}.")
    scope = current_scope_or_none()
    if scope is not None and scope.atomic_depth > 0:
        scope.commit_hooks.append(CommitHook(scope.atomic_depth, func))
        return
    _call_now(func)


def _call_now(func: Callable[[], Any]) -> None:
    try:
        result = func()
    except Exception:
        logger.exception("on_commit callback %r failed", func)
        return
    if inspect.isawaitable(result):
        task = asyncio.ensure_future(_guarded(func, result))
        _running.add(task)
        task.add_done_callback(_running.discard)


async def _guarded(func: Callable[[], Any], awaitable: Any) -> None:
    try:
        await awaitable
    except Exception:
        logger.exception("on_commit callback %r failed", func)
