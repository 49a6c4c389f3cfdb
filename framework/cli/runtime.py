"""What a command runs in: its project's App, and an event loop for ``async def`` commands.

An ``async def`` command gets one event loop, its resources closed before it ends. The
project's App is current during every project command (``current_app()``, ``url_for()``)
but built only if the command asks for it: most commands never serve, and building means
importing every controllers module.

Ctrl-C behaves as users of synchronous tools expect. ``asyncio.run`` alone only *cancels* the
command on SIGINT, which cannot interrupt synchronous code running inside it — a password
prompt would ignore Ctrl-C until Enter, and the cancellation would then land in the clean-up.
Here SIGINT raises ``KeyboardInterrupt`` where the command's own code is running (a prompt, a
CPU-bound loop), and cancels the command when it is waiting on I/O, so its ``finally`` blocks
and ``async with`` exits still run; a second Ctrl-C stops waiting for them.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable, Coroutine, Iterator
from types import FrameType
from typing import Any, TypeVar

__all__ = ["project_app_scope", "run_async"]

T = TypeVar("T")


def project_app_scope() -> contextlib.AbstractContextManager[None]:
    """Make the project's App current inside the ``with`` block, built on first use."""
    from framework.appcontext import Deferred, using

    return using(Deferred(_project_app))


def _project_app() -> object:
    from framework.web import get_asgi_application

    return get_asgi_application()


def run_async(function: Callable[..., Coroutine[Any, Any, T]], *args: Any, **kwargs: Any) -> T:
    """Run *function* to completion in a new event loop, then run the registered clean-ups."""
    from framework.runtime import run_cleanups

    interrupts = _Interrupts()

    async def main() -> T:
        interrupts.task = asyncio.current_task()
        try:
            return await function(*args, **kwargs)
        finally:
            await run_cleanups()

    with asyncio.Runner() as runner, interrupts.handled():
        try:
            return runner.run(main())
        except asyncio.CancelledError:
            if interrupts.count:
                raise KeyboardInterrupt from None
            raise


class _Interrupts:
    """SIGINT routed as the module docstring says, while a command runs."""

    def __init__(self) -> None:
        self.task: asyncio.Task[Any] | None = None
        self.count = 0

    def on_sigint(self, signum: int, frame: FrameType | None) -> None:
        self.count += 1
        task = self.task
        if task is None or task.done() or self.count > 1:
            raise KeyboardInterrupt
        loop = task.get_loop()
        if asyncio.current_task(loop) is not None:  # the command's own code is running
            raise KeyboardInterrupt
        task.cancel()  # the loop is waiting on I/O: unwind the command cleanly
        loop.call_soon_threadsafe(lambda: None)  # and wake the loop from its wait

    @contextlib.contextmanager
    def handled(self) -> Iterator[None]:
        """Install the handler, unless someone else (a test runner, an embedder) owns SIGINT."""
        in_main_thread = threading.current_thread() is threading.main_thread()
        if not in_main_thread or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            yield
            return
        signal.signal(signal.SIGINT, self.on_sigint)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)
