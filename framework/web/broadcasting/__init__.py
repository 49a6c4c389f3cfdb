"""Broadcast: messages published in one process reach subscribers in every process.

``from framework.web import broadcast`` is the project's :class:`Broadcast`, configured by
``BROADCAST`` (``memory``, ``redis`` or ``postgres``). Importing this package imports neither
redis nor asyncpg: a backend loads its client when first used. Its names are imported on
first use, so a server whose project never broadcasts does not load the hub: the request path
needs only ``errors`` (``SlowSubscriberError``) and the checks only ``config``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from framework.module_loading import lazy_exports as _lazy_exports

if TYPE_CHECKING:
    from framework.web.broadcasting.errors import BroadcastError, SlowSubscriberError
    from framework.web.broadcasting.events import Event
    from framework.web.broadcasting.facade import Broadcast, broadcast
    from framework.web.broadcasting.hub import Subscription

__all__ = [
    "Broadcast",
    "BroadcastError",
    "Event",
    "SlowSubscriberError",
    "Subscription",
    "broadcast",
]

_HOMES = {
    "Broadcast": "facade",
    "broadcast": "facade",
    "BroadcastError": "errors",
    "SlowSubscriberError": "errors",
    "Event": "events",
    "Subscription": "hub",
}

__getattr__, __dir__ = _lazy_exports(__name__, _HOMES, __all__)
