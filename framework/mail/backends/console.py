"""The ``console`` backend: print each message (headers and MIME body) for development."""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import Any, TextIO

from framework.mail.backends.base import BaseEmailBackend, OutgoingMessage

__all__ = ["EmailBackend"]

SEPARATOR = "-" * 79


class EmailBackend(BaseEmailBackend):
    """Write messages to *stream* (standard output by default), one after another."""

    _lock = threading.Lock()

    def __init__(
        self, fail_silently: bool = False, stream: TextIO | None = None, **options: Any
    ) -> None:
        super().__init__(fail_silently, **options)
        self.stream = stream

    async def asend_messages(self, messages: Sequence[OutgoingMessage]) -> int:
        """Print each message followed by a separator line; return how many."""
        stream = self.stream or sys.stdout
        sent = 0
        for message in messages:
            try:
                text = message.message().as_bytes().decode("utf-8", "replace")
            except Exception:
                if not self.fail_silently:
                    raise
                continue
            with self._lock:
                stream.write(text.replace("\r\n", "\n"))
                stream.write("\n" + SEPARATOR + "\n")
                stream.flush()
            sent += 1
        return sent
