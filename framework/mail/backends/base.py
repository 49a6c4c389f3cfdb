"""``BaseEmailBackend``: what every mail backend provides, async first.

A backend sends a batch of messages over one connection: ``async with backend:`` (or
``with backend:`` in synchronous code) opens it once for several batches. Subclasses
implement :meth:`asend_messages`; the synchronous methods run the async ones.

A backend sits below the message that is sent through it: it knows a message only as an
:class:`OutgoingMessage` (``framework.mail.EmailMessage`` is one), so the message can name
its backend and find the default one without the two importing each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage as MIMEMessage
from types import TracebackType
from typing import Any, Protocol

from framework.mail.sync import run_sync

__all__ = ["BaseEmailBackend", "OutgoingMessage"]


class OutgoingMessage(Protocol):
    """What a backend reads of a mail: its MIME form and its envelope."""

    def message(self) -> MIMEMessage:
        """Build the MIME message (refusing a header with a line break)."""
        ...

    def recipients(self) -> list[str]:
        """Return every address the mail goes to (to, cc and bcc)."""
        ...

    def sender(self) -> str:
        """Return the From address."""
        ...


class BaseEmailBackend:
    """Base of the backends; ``fail_silently`` turns sending errors into a count of 0."""

    def __init__(self, fail_silently: bool = False, **options: Any) -> None:
        self.fail_silently = fail_silently

    async def aopen(self) -> bool:
        """Open the connection (if the backend has one); return whether this call opened it."""
        return False

    async def aclose(self) -> None:
        """Close the connection opened by :meth:`aopen`."""

    async def asend_messages(self, messages: Sequence[OutgoingMessage]) -> int:
        """Send *messages*; return how many were sent."""
        raise NotImplementedError

    async def __aenter__(self) -> BaseEmailBackend:
        await self.aopen()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    # -- synchronous code -------------------------------------------------------------------

    def send_messages(self, messages: Sequence[OutgoingMessage]) -> int:
        """Send *messages* from synchronous code; return how many were sent."""
        # asend_messages opens and closes a connection when none is open: a synchronous
        # call has no event loop to keep one in between calls.
        return run_sync(self.asend_messages(messages))

    def open(self) -> bool:
        """Kept for Django compatibility: synchronous sends open their own connection."""
        return False

    def close(self) -> None:
        """Kept for Django compatibility (see :meth:`open`)."""

    def __enter__(self) -> BaseEmailBackend:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
