"""Background tasks: after the response (per request) or right away (``app.background``).

* ``request.after_response(func, *args)`` runs *func* once the response has been sent.
* ``app.background.run(func, *args)`` starts *func* now, without waiting for it; the
  ``@app.background.task`` decorator makes every call of a function do that (Dyne's API).

Coroutine functions run on the event loop; plain functions run in the runner's thread pool
(BACKGROUND_WORKERS threads), never blocking the loop. A failing task is logged with its
traceback on the ``framework.web.background`` logger — never lost silently — and does not
stop the tasks after it. At shutdown the app waits for running tasks (BACKGROUND_DRAIN
seconds at most) before the thread pool closes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any

from framework.web.pipeline import is_async_callable

__all__ = ["BackgroundRunner"]

logger = logging.getLogger("framework.web.background")

TaskCall = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]


def _name(func: Callable[..., Any]) -> str:
    func = getattr(func, "func", func)  # functools.partial
    module = getattr(func, "__module__", "")
    return f"{module}.{getattr(func, '__qualname__', repr(func))}".lstrip(".")


class BackgroundRunner:
    """Run functions outside the request: coroutines as tasks, plain functions in threads."""

    def __init__(self, max_workers: int = 4) -> None:
        self.max_workers = max_workers
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._pending: set[asyncio.Future[Any]] = set()

    @property
    def executor(self) -> concurrent.futures.ThreadPoolExecutor:
        """Return the thread pool for plain functions, started on first use."""
        if self._executor is None:
            self._executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=self.max_workers or None, thread_name_prefix="framework-background"
            )
        return self._executor

    def task(self, func: Callable[..., Any]) -> Callable[..., asyncio.Future[Any]]:
        """Decorate *func* so that calling it starts it in the background (returns a future)."""

        @functools.wraps(func)
        def start(*args: Any, **kwargs: Any) -> asyncio.Future[Any]:
            return self.run(func, *args, **kwargs)

        return start

    def run(self, func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> asyncio.Future[Any]:
        """Start ``func(*args, **kwargs)`` now and return its future; errors are logged."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                f"Cannot start background task {_name(func)}: no event loop is running. "
                "Start tasks from a handler, a hook or an async command."
            ) from None
        future: asyncio.Future[Any]
        if is_async_callable(func):
            future = loop.create_task(self._guarded(func, args, kwargs))
        else:
            future = loop.run_in_executor(
                self.executor, functools.partial(self._guarded_sync, func, args, kwargs)
            )
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        return future

    async def run_after_response(self, calls: Iterable[TaskCall]) -> None:
        """Await each call in turn (plain ones in the pool); log failures and go on."""
        loop = asyncio.get_running_loop()
        for func, args, kwargs in calls:
            if is_async_callable(func):
                await self._guarded(func, args, kwargs)
            else:
                await loop.run_in_executor(
                    self.executor, functools.partial(self._guarded_sync, func, args, kwargs)
                )

    async def _guarded(
        self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        try:
            return await func(*args, **kwargs)
        except Exception:
            logger.exception("Background task %s failed", _name(func))
            return None

    @staticmethod
    def _guarded_sync(
        func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        try:
            return func(*args, **kwargs)
        except Exception:
            logger.exception("Background task %s failed", _name(func))
            return None

    @property
    def pending(self) -> int:
        """Return how many started tasks have not finished yet."""
        return len(self._pending)

    async def drain(self, timeout: float | None = 30.0) -> None:
        """Wait for running tasks (at most *timeout* seconds), then close the thread pool."""
        if self._pending:
            _, still_running = await asyncio.wait(set(self._pending), timeout=timeout)
            for future in still_running:
                logger.warning(
                    "Background task still running at shutdown was cancelled: %r", future
                )
                future.cancel()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
