"""Request ids: every HTTP request and WebSocket gets one, logged and echoed back.

The id is the request's ``X-Request-ID`` header when it is a plausible id (printable, no
spaces, at most 200 characters: what a proxy or load balancer sets), else a new random one.
It is current (``framework.logging.get_request_id()``) while the request is handled, so
every log line of the request — the handler's, the framework's, uvicorn's access line —
carries it, and it comes back in the response's ``X-Request-ID`` header.

The App installs this middleware outermost, always: error pages and the server's own
error log get the id too. Its ``send`` wrapper also runs the response-header hooks of the
middleware inside it (``framework.web.middleware.headers``), so they need no wrapper of
their own. Under the App it is also the server-error layer and the header-size limit
(``errors=`` and ``oversized=``): three layers every request passes, in one frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from framework.logging.context import (
    REQUEST_ID_HEADER,
    new_request_id,
    request_id_var,
    valid_request_id,
)
from framework.web.limits import header_size
from framework.web.middleware.headers import HOOKS_KEY, PROGRESS_KEY, HeaderHook, ResponseProgress

if TYPE_CHECKING:
    from framework.web.errors import ServerErrorMiddleware
    from framework.web.limits import HeaderSizeMiddleware

__all__ = ["RequestIdMiddleware", "request_id_of"]

_HEADER = REQUEST_ID_HEADER.lower().encode("latin-1")
_HEADER_LENGTH = len(_HEADER)


def request_id_of(scope: Scope) -> str:
    """Return the id for *scope*: its valid ``X-Request-ID``, else a new one."""
    for name, value in scope.get("headers", ()):
        if name == _HEADER:
            return valid_request_id(value) or new_request_id()
    return new_request_id()


class RequestIdMiddleware:
    """Set the request id for the request's context and add it to the response headers.

    *errors* (a ``ServerErrorMiddleware``) answers what escapes the app with its error
    pages, and *oversized* (a ``HeaderSizeMiddleware``) refuses headers over its limit, both
    from this frame: the App passes them so a request pays one frame for the three layers.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        errors: ServerErrorMiddleware | None = None,
        oversized: HeaderSizeMiddleware | None = None,
    ) -> None:
        self.app = app
        self.errors = errors
        self.oversized = oversized

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind != "http" and kind != "websocket":
            await self.app(scope, receive, send)
            return
        request_id = scope["request_id"] = request_id_of(scope)
        header = (_HEADER, request_id.encode("latin-1"))
        hooks: list[HeaderHook] = []
        scope[HOOKS_KEY] = hooks
        progress = scope[PROGRESS_KEY] = ResponseProgress()

        async def send_with_id(message: Message) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                progress.started = True
                headers = message.get("headers", ())
                for hook in reversed(hooks):  # innermost first, as nested wrappers would
                    headers = hook(headers)
                for name, _ in headers:  # _with_id inlined: one call less per response
                    if len(name) == _HEADER_LENGTH and name.lower() == _HEADER:
                        message["headers"] = list(headers)
                        break
                else:
                    message["headers"] = [*headers, header]
            elif kind == "websocket.accept":
                message["headers"] = _with_id(message.get("headers", ()), header)
            await send(message)

        token = request_id_var.set(request_id)  # the variable itself: saves a call
        app = self.app
        oversized = self.oversized
        if oversized is not None and header_size(scope["headers"]) > oversized.limit:
            app = oversized.refuse
        if self.errors is None or kind != "http":
            await app(scope, receive, send_with_id)
        else:
            try:
                await app(scope, receive, send_with_id)
            except Exception as exc:
                if progress.started:
                    raise
                if not await self.errors.recover(scope, receive, send_with_id, progress, exc):
                    raise  # a server error: re-raised so the server logs it (with the id)
        # Reset only on success: when the app raises, the server logs the error in this
        # same context, and that line must carry the id too.
        request_id_var.reset(token)


def _with_id(headers: Any, header: tuple[bytes, bytes]) -> list[tuple[bytes, bytes]]:
    """Return a new list of *headers* with the request id, unless the app set its own."""
    for name, _ in headers:  # a plain loop: this runs on every response
        if len(name) == _HEADER_LENGTH and name.lower() == _HEADER:
            return list(headers)
    return [*headers, header]
