"""What a subscriber receives: ``Event`` (a message, or a ``gap``), and the wire format.

Messages are JSON values. Every backend sends the same text (``json.dumps`` of the message),
so a message that is not JSON-serialisable fails at ``publish`` in development (``memory``)
exactly as it would in production (``redis``, ``postgres``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from framework.web.responses import json_default

__all__ = ["GAP", "MESSAGE", "Event", "decode_message", "encode_message", "stream_position"]

EventType = Literal["message", "gap"]
#: The type of an ordinary event.
MESSAGE: EventType = "message"
#: The type of the event sent after a backend reconnect: messages may have been lost.
GAP: EventType = "gap"

_STREAM_ID = re.compile(r"(\d{1,20})-(\d{1,20})")


@dataclass(frozen=True, slots=True)
class Event:
    """One event of a subscription.

    ``type`` is ``"message"`` (``message`` holds the published value) or ``"gap"``: the
    connection to the backend was lost and re-established, so messages published meanwhile
    may be missing; reload what the client shows. ``id`` is set when the backend keeps
    history (``redis`` with the ``history`` option): give it back as ``last_event_id`` to
    resume after it.
    """

    channel: str
    message: Any = None
    id: str | None = None
    type: EventType = MESSAGE

    @property
    def is_gap(self) -> bool:
        """Return whether this event reports possibly lost messages."""
        return self.type == GAP

    def to_sse(self) -> dict[str, Any]:
        """Return the event as Server-Sent Event fields (``event: gap`` for a gap)."""
        if self.is_gap:
            return {"event": GAP, "data": {"channel": self.channel}}
        fields: dict[str, Any] = {"data": self.message}
        if self.id is not None:
            fields["id"] = self.id
        return fields


def encode_message(message: Any) -> str:
    """Return *message* as the JSON text every backend carries."""
    try:
        return json.dumps(message, separators=(",", ":"), ensure_ascii=False, default=json_default)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"Cannot broadcast {message!r}: messages must be JSON values (dict, list, str, "
            f"number, bool, None) or types the JSON responses accept ({exc})."
        ) from exc


def decode_message(payload: str | bytes) -> Any:
    """Return the message carried as *payload*."""
    return json.loads(payload)


def stream_position(event_id: str | None) -> tuple[int, int] | None:
    """Return a Redis stream id (``"1700000000000-3"``) as a comparable pair, else None."""
    if not event_id:
        return None
    match = _STREAM_ID.fullmatch(event_id.strip())
    if match is None:
        return None
    return int(match[1]), int(match[2])
