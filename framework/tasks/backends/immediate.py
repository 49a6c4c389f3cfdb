"""``immediate``: run each job at enqueue, in the caller's task (for tests).

Outside a transaction ``aenqueue()`` returns once the job has finished, retries included
(without the back-off wait); inside one, the job runs when the transaction commits, and
never if it rolls back. ``run_after`` and ``priority`` are recorded on the result but not
waited for: tests want the work done, not a clock.
"""

from __future__ import annotations

from typing import ClassVar

from framework.tasks.backends.memory import MemoryBackend, MemoryJob

__all__ = ["ImmediateBackend"]


class ImmediateBackend(MemoryBackend):
    """Run every job right away, in the process and task that enqueued it."""

    name: ClassVar[str] = "immediate"

    async def start(self, job: MemoryJob) -> None:
        """Run the job to its end now, retrying at once while its task allows it."""
        while await self.attempt(job) is not None:
            pass
