"""Errors of the broadcast layer: a backend that cannot be reached, a subscriber too slow."""

from __future__ import annotations

from framework.exceptions import FrameworkError

__all__ = ["BroadcastError", "SlowSubscriberError"]


class BroadcastError(FrameworkError):
    """Publishing or subscribing failed: the backend is unreachable or refused the message."""


class SlowSubscriberError(BroadcastError):
    """The subscriber fell too far behind and was disconnected; its pending events are gone.

    Raised by the subscription's iterator. A WebSocket handler that lets it escape closes the
    socket with 1013 (try again later); a Server-Sent Events stream ends, and the browser
    reconnects with ``Last-Event-ID``.
    """
