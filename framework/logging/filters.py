"""Logging filters: the request id on every record, secrets masked in every record.

``SecretsFilter`` masks values whose *names* say they are secret (``API``, ``AUTH``,
``TOKEN``, ``KEY``, ``SECRET``, ``PASS``, ``SIGNATURE``, ``COOKIE``…): in mappings passed as
arguments or extras (headers, form data, settings), in query strings of logged paths (the
access log's ``/reset?token=…``), and passwords in URLs (``postgresql://u:…@host``). It
changes the record's copies, never the caller's objects. Free text is not parsed: log
structured values, not pre-formatted strings, when they may hold secrets.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from framework.conf.masking import MASK, mask_url
from framework.logging.context import get_request_id

__all__ = ["SECRET_NAME", "RequestIdFilter", "SecretsFilter", "mask_query", "mask_secrets"]

#: Names whose values are never logged.
SECRET_NAME = re.compile(
    r"API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|COOKIE|CREDENTIAL|PRIVATE|CSRF", re.IGNORECASE
)
#: Attributes every LogRecord has; anything else on a record came from ``extra=``.
STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
    "color_message",  # uvicorn's coloured copy of the message
}
_MAX_DEPTH = 6


class RequestIdFilter(logging.Filter):
    """Give each record ``request_id``: the current request's id, or ``"-"`` outside one."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Set ``record.request_id`` (keeping one set explicitly with ``extra=``)."""
        if getattr(record, "request_id", None) is None:
            record.request_id = get_request_id() or "-"
        return True


def _name_of(key: Any) -> str:
    return key.decode("latin-1") if isinstance(key, bytes) else str(key)


def mask_query(text: str) -> str:
    """Return a path or URL with the values of secret-named query parameters masked."""
    head, mark, query = text.partition("?")
    if not mark or not query:
        return text
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(SECRET_NAME.search(name) for name, _ in pairs):
        return text
    masked = [(name, MASK if SECRET_NAME.search(name) else value) for name, value in pairs]
    return f"{head}?{urlencode(masked, quote_via=quote, safe='*')}"


def mask_secrets(value: Any, depth: int = 0) -> Any:
    """Return *value* with secret-named entries masked (mappings, pairs, URLs, queries)."""
    if depth > _MAX_DEPTH:
        return value
    if isinstance(value, str):
        return mask_query(mask_url(value)) if ("?" in value or "@" in value) else value
    if isinstance(value, Mapping):
        items = value.multi_items() if hasattr(value, "multi_items") else value.items()
        return {
            key: (MASK if SECRET_NAME.search(_name_of(key)) else mask_secrets(item, depth + 1))
            for key, item in items
        }
    if isinstance(value, (list, tuple)):
        if value and all(_is_pair(item) for item in value):  # raw headers, form items
            return type(value)(
                (key, MASK) if SECRET_NAME.search(_name_of(key)) else (key, item)
                for key, item in value
            )
        return type(value)(mask_secrets(item, depth + 1) for item in value)
    return value


def _is_pair(item: Any) -> bool:
    return isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], (str, bytes))


class SecretsFilter(logging.Filter):
    """Mask secrets in a record's arguments and extras before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the record's arguments and extras with masked copies."""
        if record.args:
            if isinstance(record.args, Mapping):
                record.args = mask_secrets(record.args)
            else:
                record.args = tuple(mask_secrets(arg) for arg in record.args)
        elif isinstance(record.msg, (Mapping, list, tuple)):
            record.msg = mask_secrets(record.msg)
        for name in set(vars(record)) - STANDARD_ATTRIBUTES:
            value = getattr(record, name)
            setattr(record, name, MASK if SECRET_NAME.search(name) else mask_secrets(value))
        return True
