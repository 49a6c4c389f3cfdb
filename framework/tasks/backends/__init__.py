"""Task backends: where jobs wait and run. Chosen per alias by the ``TASKS`` setting."""

from __future__ import annotations

from framework.tasks.backends.base import BaseTaskBackend

__all__ = ["BaseTaskBackend"]
