"""The request id of the running request, in a context variable that logging reads.

The web layer sets it for each HTTP request and WebSocket (from a valid ``X-Request-ID``
header, else a new one); tasks and threads started by the request inherit it.
"""

from __future__ import annotations

import os
import re
from contextvars import ContextVar, Token

__all__ = [
    "REQUEST_ID_HEADER",
    "get_request_id",
    "new_request_id",
    "reset_request_id",
    "set_request_id",
    "valid_request_id",
]

#: The header read from requests and echoed in responses.
REQUEST_ID_HEADER = "X-Request-ID"
#: What an incoming id may look like: printable, no spaces or quotes, at most 200 characters
#: (UUIDs, hex, ``Root=1-5e1b4151-…``), so it can never break a log line.
_VALID = re.compile(r"[A-Za-z0-9._:@/+=;-]{1,200}")

_request_id: ContextVar[str | None] = ContextVar("framework_request_id", default=None)


def get_request_id() -> str | None:
    """Return the id of the request being handled, or None outside requests."""
    return _request_id.get()


def set_request_id(value: str | None) -> Token[str | None]:
    """Make *value* the current request id; return the token that restores the previous one."""
    return _request_id.set(value)


def reset_request_id(token: Token[str | None]) -> None:
    """Restore the request id that was current before :func:`set_request_id`."""
    _request_id.reset(token)


def new_request_id() -> str:
    """Return a fresh id: 32 random hexadecimal characters (128 bits)."""
    return os.urandom(16).hex()


def valid_request_id(value: str | bytes | None) -> str | None:
    """Return *value* if it is acceptable as a request id, else None."""
    if isinstance(value, bytes):
        try:
            value = value.decode("ascii")
        except UnicodeDecodeError:
            return None
    if value and _VALID.fullmatch(value):
        return value
    return None
