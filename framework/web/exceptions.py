"""``HTTPException`` and ``abort()``: stop a request with a status code and a stable error body.

Every error response of the framework has one shape, ``{"detail": "...", "errors": [...]}``
(a small HTML page for HTML routes), so an ``HTTPException`` carries exactly those two parts
plus optional headers.
"""

from __future__ import annotations

import http
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from starlette.exceptions import HTTPException as StarletteHTTPException

from framework.exceptions import FrameworkError

__all__ = [
    "HTMLAbort",
    "HTTPException",
    "abort",
    "html_abort",
    "status_phrase",
    "unsupported_media_type",
]


def status_phrase(status_code: int) -> str:
    """Return the reason phrase of *status_code* (``404`` → ``"Not Found"``), or ``"Error"``."""
    try:
        return http.HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


class HTTPException(FrameworkError, StarletteHTTPException):
    """Answer the current request with *status_code* and the error body.

    ``detail`` is the human-readable message (default: the status phrase); ``errors`` is a
    list of ``{"loc": [...], "msg": "...", "type": "..."}`` items, for validation problems.
    It is also a Starlette ``HTTPException``, so handlers registered for either class see it.
    """

    def __init__(
        self,
        status_code: int,
        detail: str | None = None,
        *,
        errors: Sequence[Mapping[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if isinstance(status_code, bool) or not isinstance(status_code, int):
            raise TypeError(
                f"HTTPException and abort() take the status code first, then the message: "
                f"abort(404, 'No such post'); got status_code={status_code!r}."
            )
        if not 400 <= status_code <= 599:
            raise ValueError(
                f"HTTPException needs an error status code (400-599); got {status_code!r}. "
                "Return a Response for other statuses."
            )
        detail = status_phrase(status_code) if detail is None else detail
        StarletteHTTPException.__init__(self, status_code, detail, dict(headers or {}) or None)
        FrameworkError.__init__(self, f"{status_code}: {detail}")
        self.errors: list[dict[str, Any]] = [dict(error) for error in errors or ()]

    def __str__(self) -> str:
        return f"{self.status_code}: {self.detail}"


def abort(
    status_code: int,
    detail: str | None = None,
    *,
    errors: Sequence[Mapping[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> NoReturn:
    """Stop the current request with an error response (``abort(404, detail="No such post")``)."""
    raise HTTPException(status_code, detail, errors=errors, headers=headers)


def unsupported_media_type(detail: str) -> HTTPException:
    """Return the 415 for a body of the wrong type, its error pointing at the Content-Type."""
    return HTTPException(
        415,
        detail,
        errors=[
            {
                "loc": ["header", "content-type"],
                "msg": "Unsupported media type",
                "type": "content_type",
            }
        ],
    )


class HTMLAbort(HTTPException):
    """Answer the current request with the page *template* rendered, and *status_code*.

    Rendered by the error middleware with the app's templates (``request``, ``url_for`` and
    ``static`` available, as in ``render()``, plus ``status_code``), whatever handlers are
    registered for the status: the template was chosen where the request was stopped.
    """

    def __init__(self, template: str, status_code: int, context: Mapping[str, Any]) -> None:
        super().__init__(status_code)
        self.template = template
        self.context = dict(context)


def html_abort(template: str, status_code: int = 400, **context: Any) -> NoReturn:
    """Stop the current request with the HTML page *template* (``html_abort("404.html", 404)``).

    *context* goes to the template, with ``status_code``.
    """
    raise HTMLAbort(template, status_code, context)
