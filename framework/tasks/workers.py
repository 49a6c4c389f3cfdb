"""``manage.py worker``: run a backend's worker until SIGTERM or Ctrl-C, then drain.

The first SIGTERM or SIGINT stops taking jobs and waits for the running ones to finish (a
process manager's stop timeout bounds the wait; a job cut short there is retried later
by a durable backend). The backend does the rest (:meth:`BaseTaskBackend.arun_worker`).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from framework.tasks.backends.base import BaseTaskBackend
from framework.tasks.options import WorkerOptions
from framework.tasks.registry import discover_tasks

__all__ = ["WorkerOptions", "configure_logging", "run_worker"]

logger = logging.getLogger("framework.tasks.worker")


def configure_logging() -> None:
    """Send INFO and above to stderr with timestamps, unless logging is configured already."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
        root.setLevel(logging.INFO)


async def run_worker(backend: BaseTaskBackend, options: WorkerOptions) -> None:
    """Run *backend*'s worker with SIGTERM/SIGINT handlers that ask it to drain and stop."""
    registry = discover_tasks()
    loop = asyncio.get_running_loop()

    def request_stop(name: str) -> None:
        if not options.stop.is_set():
            logger.info("Received %s: finishing running jobs, taking no new ones", name)
        options.stop.set()

    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, request_stop, sig.name)
            installed.append(sig)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass
    queues = ", ".join(options.queues) if options.queues else "every queue"
    logger.info(
        "Worker started: backend %r, %s, concurrency %d, %d task(s), periodic %s",
        backend.alias,
        queues,
        options.concurrency,
        len(registry),
        "on" if options.periodic else "off",
    )
    try:
        await backend.arun_worker(options)
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        logger.info("Worker stopped")
