"""Broadcast: messages published in one process reach subscribers in every process.

``from framework.web import broadcast`` is the project's :class:`Broadcast`, configured by
``BROADCAST`` (``memory``, ``redis`` or ``postgres``). Importing this package imports neither
redis nor asyncpg: a backend loads its client when first used.
"""

from __future__ import annotations

from framework.web.broadcasting.broadcast import Broadcast, broadcast
from framework.web.broadcasting.errors import BroadcastError, SlowSubscriberError
from framework.web.broadcasting.events import Event
from framework.web.broadcasting.hub import Subscription

__all__ = [
    "Broadcast",
    "BroadcastError",
    "Event",
    "SlowSubscriberError",
    "Subscription",
    "broadcast",
]
