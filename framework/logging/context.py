"""The request id of the running request, in a context variable that logging reads.

The web layer sets it for each HTTP request and WebSocket (from a valid ``X-Request-ID``
header, else a new one); tasks and threads started by the request inherit it.
"""

from __future__ import annotations

import os
import re
import threading
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


_ID_BYTES = 16
_POOL_IDS = 256
_pool = memoryview(b"")
_pool_lock = threading.Lock()


def new_request_id() -> str:
    """Return a fresh id: 32 random hexadecimal characters (128 bits).

    The bytes come from ``os.urandom`` read for 256 ids at a time: one system call per id
    costs more than the rest of the id's work on every request. (After ``fork`` a child
    process reads its own pool: see ``_fresh_pool_after_fork``.)
    """
    global _pool
    with _pool_lock:  # threads (sync handlers, tasks) must never share a slice
        if len(_pool) < _ID_BYTES:
            _pool = memoryview(os.urandom(_ID_BYTES * _POOL_IDS))
        chunk, _pool = _pool[:_ID_BYTES], _pool[_ID_BYTES:]
    return chunk.hex()


def _fresh_pool_after_fork() -> None:
    """Drop the inherited pool: two worker processes must never hand out the same ids."""
    global _pool, _pool_lock
    _pool = memoryview(b"")
    _pool_lock = threading.Lock()


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
