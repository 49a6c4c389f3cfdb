"""The ``locmem`` backend: messages go to :data:`outbox`, a list, for tests.

``framework.testing.mail.outbox`` is the same list; the pytest plugin empties it before
every test. Each message is built first, so a header-injection attempt fails here exactly
as it would on a real server.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from framework.mail.backends.base import BaseEmailBackend, OutgoingMessage

if TYPE_CHECKING:
    from framework.mail.message import EmailMessage

__all__ = ["EmailBackend", "outbox"]

#: Every message sent through a locmem backend, oldest first. Empty it in place
#: (``outbox.clear()``): other modules hold the same list.
outbox: list[EmailMessage] = []


class EmailBackend(BaseEmailBackend):
    """Keep messages in :data:`outbox` instead of sending them."""

    async def asend_messages(self, messages: Sequence[OutgoingMessage]) -> int:
        """Append a copy of each message to the outbox; return how many."""
        for message in messages:
            message.message()  # refuse what a real backend would refuse
            # What EmailMessage.asend() and send_mail() hand a backend is an EmailMessage;
            # the outbox is typed as one because that is what tests read from it.
            outbox.append(cast("EmailMessage", copy.copy(message)))
        return len(messages)
