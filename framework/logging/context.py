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
    "request_id_var",
    "reset_request_id",
    "set_request_id",
    "valid_request_id",
]

#: The header read from requests and echoed in responses.
REQUEST_ID_HEADER = "X-Request-ID"
#: What an incoming id may look like: printable, no spaces or quotes, at most 200 characters
#: (UUIDs, hex, ``Root=1-5e1b4151-…``), so it can never break a log line.
_VALID = re.compile(r"[A-Za-z0-9._:@/+=;-]{1,200}")

#: The variable itself, for the web layer's outermost frame (set and reset without a call of
#: their own on every request); elsewhere use the functions below.
request_id_var: ContextVar[str | None] = ContextVar("framework_request_id", default=None)
_request_id = request_id_var


def get_request_id() -> str | None:
    """Return the id of the request being handled, or None outside requests."""
    return _request_id.get()


def set_request_id(value: str | None) -> Token[str | None]:
    """Make *value* the current request id; return the token that restores the previous one."""
    return _request_id.set(value)


def reset_request_id(token: Token[str | None]) -> None:
    """Restore the request id that was current before :func:`set_request_id`."""
    _request_id.reset(token)


_ID_BYTES = 16
_POOL_IDS = 256
#: Ready ids, taken with ``list.pop()``: atomic, so threads (sync handlers, tasks) never share
#: one and no lock is taken per request.
_ids: list[str] = []


def new_request_id() -> str:
    """Return a fresh id: 32 random hexadecimal characters (128 bits).

    The bytes come from ``os.urandom`` read for 256 ids at a time: one system call per id
    costs more than the rest of the id's work on every request. (After ``fork`` a child
    process reads its own pool: see ``_fresh_pool_after_fork``.)
    """
    try:
        return _ids.pop()
    except IndexError:
        return _refill()


def _refill() -> str:
    """Make a new pool of ids and return one of it.

    Two threads refilling at once each make their own pool from fresh random bytes; one
    pool replaces the other, so no id is ever handed out twice.
    """
    global _ids
    hexed = os.urandom(_ID_BYTES * _POOL_IDS).hex()
    width = 2 * _ID_BYTES
    fresh = [hexed[start : start + width] for start in range(0, len(hexed), width)]
    taken = fresh.pop()
    _ids = fresh
    return taken


def _fresh_pool_after_fork() -> None:
    """Drop the inherited pool: two worker processes must never hand out the same ids."""
    global _ids
    _ids = []


os.register_at_fork(after_in_child=_fresh_pool_after_fork)


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
