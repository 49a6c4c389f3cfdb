"""What a request may send: body, form and query limits, and the checks on body headers.

``Limits`` is computed once per route when the app is built (from settings and the route's
own overrides), so no request pays for a settings lookup. The checks run before the handler:
a declared ``Content-Length`` over the limit is refused at once (413), a chunked body is read
up to the limit first, and a body that turns out longer than declared is cut off at the
limit while it streams in.

This module sits below ``requests`` (which reads the limits) and imports nothing of the web
layer but its exceptions; the header-size middleware, which renders its 431 through the error
pages, lives in ``framework.web.limits`` above them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from framework.web.exceptions import HTTPException

__all__ = ["Limits", "body_too_large", "inspect_body_headers", "parse_query"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Size limits of one route; ``0`` disables a limit."""

    #: Largest request body in bytes (MAX_BODY_SIZE).
    max_body_size: int = 10 * 1024 * 1024
    #: Most fields in a form, urlencoded or multipart (FORM_MAX_FIELDS).
    max_form_fields: int = 1000
    #: Most files in a multipart form (FORM_MAX_FILES).
    max_form_files: int = 100
    #: Largest non-file part of a form, in bytes (FORM_MAX_PART_SIZE).
    max_form_part_size: int = 1024 * 1024
    #: Most fields in a query string (QUERY_MAX_FIELDS).
    max_query_fields: int = 1000

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> Limits:
        """Build the limits from *settings*, then apply the route's *overrides*."""
        values = {
            "max_body_size": int(settings.MAX_BODY_SIZE or 0),
            "max_form_fields": int(settings.FORM_MAX_FIELDS or 0),
            "max_form_files": int(settings.FORM_MAX_FILES or 0),
            "max_form_part_size": int(settings.FORM_MAX_PART_SIZE or 0),
            "max_query_fields": int(settings.QUERY_MAX_FIELDS or 0),
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        for key, value in values.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{key} must be a whole number of 0 or more; got {value!r}.")
        return cls(**values)


def body_too_large(limit: int) -> HTTPException:
    """Return the 413 error for a body over *limit* bytes."""
    return HTTPException(413, f"Request body is too large: the limit is {limit} bytes.")


def inspect_body_headers(raw_headers: list[tuple[bytes, bytes]]) -> tuple[int | None, bool]:
    """Return ``(content_length, chunked)`` of a request; 400 for a bad ``Content-Length``.

    A negative, non-numeric or repeated ``Content-Length`` is refused, since servers and
    proxies may disagree on where such a body ends (request smuggling).
    """
    length: int | None = None
    chunked = False
    for name, value in raw_headers:
        if name == b"content-length":
            text = value.strip()
            if not text.isdigit():
                raise HTTPException(400, f"Invalid Content-Length header: {_show(value)}.")
            if length is not None:
                raise HTTPException(400, "Several Content-Length headers were sent.")
            length = int(text)
        elif name == b"transfer-encoding":
            chunked = True
    return length, chunked


def _show(value: bytes) -> str:
    return repr(value.decode("latin-1")[:40])


def parse_query(query_string: bytes, max_fields: int) -> list[tuple[str, str]]:
    """Parse a query string (``&`` only: ``;`` is data) into pairs; 400 past *max_fields*."""
    from urllib.parse import parse_qsl

    text = query_string.decode("latin-1")
    try:
        return parse_qsl(
            text,
            keep_blank_values=True,
            max_num_fields=max_fields or None,
            separator="&",
            encoding="utf-8",
            errors="replace",
        )
    except ValueError:
        raise HTTPException(
            400, f"Too many fields in the query string: the limit is {max_fields}."
        ) from None
