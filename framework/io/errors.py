"""One error format for every schema library: what the client sent wrong, as data.

Validation problems answer **422** with ``{"detail": "...", "errors": [...]}`` where each
error is ``{"loc": [...], "msg": "...", "type": "..."}``. ``loc`` starts with where the
value came from (``body``, ``query``, ``header``, ``cookie``, ``path``) followed by the
field path (names and list indexes). A body that cannot be parsed at all is a **400**; a
body of the wrong content type a **415**. The number of listed errors is bounded by
``VALIDATION_MAX_ERRORS`` so a 10 MB list of bad items cannot produce a gigabyte answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from framework.exceptions import FrameworkError
from framework.web import exceptions as web_exceptions
from framework.web.exceptions import HTTPException
from framework.web.requests import decode_json

__all__ = [
    "ErrorItem",
    "ResponseValidationError",
    "error_item",
    "malformed_json",
    "unsupported_media_type",
    "validation_failed",
]

ErrorItem = dict[str, Any]
_FALLBACK_MAX_ERRORS = 1000


class ResponseValidationError(FrameworkError):
    """A handler returned something its ``@output`` schema cannot serialise (a server bug).

    It is not the client's fault, so it answers 500 like any other unhandled error; the
    message names the schema and every field that failed, for the server log.
    """

    def __init__(self, schema: str, many: bool, errors: Sequence[ErrorItem]) -> None:
        self.errors = list(errors)
        shown = "; ".join(
            f"{'.'.join(map(str, e['loc'][1:])) or 'value'}: {e['msg']}" for e in errors[:5]
        )
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        what = f"a list of {schema}" if many else schema
        super().__init__(
            f"The handler's return value cannot be serialised as {what}: {shown}{more}. "
            "Return an object (or dict) with those fields, or fix the @output schema."
        )


def error_item(loc: Sequence[str | int], msg: str, type_: str) -> ErrorItem:
    """Return one error: its location, a human message and a machine-readable type."""
    return {"loc": list(loc), "msg": msg, "type": type_}


def _max_errors() -> int:
    from framework.conf import settings

    try:
        return int(settings.VALIDATION_MAX_ERRORS or 0)
    except AttributeError:
        return _FALLBACK_MAX_ERRORS


def _path(loc: Sequence[str | int]) -> str:
    return ".".join(str(part) for part in loc) or "body"


def validation_failed(errors: Iterable[ErrorItem]) -> HTTPException:
    """Return the 422 error listing *errors* (up to ``VALIDATION_MAX_ERRORS``)."""
    items = list(errors)
    total = len(items)
    limit = _max_errors()
    if limit and total > limit:
        items = items[:limit]
    first = items[0] if items else error_item([], "Invalid input", "value_error")
    where = f"{_path(first['loc'])}: {str(first['msg']).rstrip('.')}"
    if total == 1:
        detail = f"Validation failed: {where}."
    elif len(items) < total:
        detail = f"Validation failed ({total} errors, the first {len(items)} listed); {where}."
    else:
        detail = f"Validation failed ({total} errors); {where}."
    return HTTPException(422, detail, errors=items)


def unsupported_media_type(expected: str, example: str, content_type: str) -> HTTPException:
    """Return the 415 error for a body whose content type is not *expected*."""
    shown = repr(content_type) if content_type else "none"
    return web_exceptions.unsupported_media_type(
        f"Expected {expected} (Content-Type: {example}); got {shown}."
    )


def malformed_json(body: bytes, reason: str) -> HTTPException:
    """Return the 400 error for a JSON *body* a fast parser refused with *reason*.

    The standard library parser is asked again for the position, so every schema library
    reports malformed JSON identically; if it accepts what the fast parser refused (deeper
    nesting than allowed, say), *reason* is reported instead.
    """
    try:
        decode_json(body)
    except HTTPException as exc:
        return exc
    return HTTPException(
        400,
        f"Malformed JSON body: {reason}.",
        errors=[error_item(["body"], reason, "json_invalid")],
    )
