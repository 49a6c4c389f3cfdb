"""The ``dummy`` backend: accepts every message and sends nothing."""

from __future__ import annotations

from collections.abc import Sequence

from framework.mail.backends.base import BaseEmailBackend, OutgoingMessage

__all__ = ["EmailBackend"]


class EmailBackend(BaseEmailBackend):
    """Pretend to send: every message counts as sent, nothing leaves the process."""

    async def asend_messages(self, messages: Sequence[OutgoingMessage]) -> int:
        """Return the number of *messages*, sending none of them."""
        return len(messages)
