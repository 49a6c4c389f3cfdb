"""Formatters: ``text`` for people, ``json`` (one object per line) for log collectors.

Both show the request id (``"-"`` outside requests). The JSON formatter writes ``time``
(UTC, ISO 8601), ``level``, ``logger``, ``message``, ``request_id``, ``exception`` (the
traceback, when there is one) and every ``extra=`` field; uvicorn's access lines also get
``client``, ``method``, ``path``, ``http_version`` and ``status``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from framework.logging.context import get_request_id
from framework.logging.filters import STANDARD_ATTRIBUTES

__all__ = ["JSONFormatter", "TextFormatter"]

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_ACCESS_FIELDS = ("client", "method", "path", "http_version", "status")


def _ensure_request_id(record: logging.LogRecord) -> None:
    # A handler without RequestIdFilter (one configured by hand) still gets the id.
    if getattr(record, "request_id", None) is None:
        record.request_id = get_request_id() or "-"


class TextFormatter(logging.Formatter):
    """``2025-01-31 12:00:00,123 INFO blog.views [3f2a…] Post 4 published``."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(fmt or TEXT_FORMAT, datefmt)

    def format(self, record: logging.LogRecord) -> str:
        """Format *record*, with its request id."""
        _ensure_request_id(record)
        return super().format(record)


class JSONFormatter(logging.Formatter):
    """One JSON object per record, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """Return *record* as a line of JSON."""
        _ensure_request_id(record)
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage().rstrip(),
            "request_id": getattr(record, "request_id", "-"),
        }
        args = record.args
        if record.name == "uvicorn.access" and isinstance(args, tuple) and len(args) == 5:
            data.update(zip(_ACCESS_FIELDS, args, strict=True))
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exception"] = record.exc_text
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        for name, value in vars(record).items():
            if name not in STANDARD_ATTRIBUTES and name not in data:
                data[name] = value
        return json.dumps(data, default=str, ensure_ascii=False)
