"""Error handling: handlers per status code or exception class, and the default error pages.

Two middlewares frame the app, as in Starlette: :class:`ServerErrorMiddleware` (outermost)
turns any unhandled exception into a 500 — a traceback page when DEBUG is on, the stable
error body otherwise — and re-raises it so the server logs it; :class:`ExceptionMiddleware`
(innermost) answers ``HTTPException`` and the exception classes that have a handler.

Handlers ``(request, exc)`` may return a Response or any handler return value (converted
with the status of the error). Lookup order: the handlers of the app that owns the route
(or whose ``url_prefix`` the unknown path falls under), then the app-wide ones, then the
default rendering: ``{"detail": "...", "errors": [...]}`` for API clients, a small HTML page
for browsers and for routes declared with ``html=True``.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable, Sequence
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection
from starlette.responses import Response as StarletteResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from framework.web.exceptions import HTMLAbort, status_phrase
from framework.web.middleware.headers import HOOKS_KEY, PROGRESS_KEY, ResponseProgress
from framework.web.negotiation import prefers_html
from framework.web.pipeline import ensure_async
from framework.web.requests import Request
from framework.web.responses import HTMLResponse, JSONResponse, to_response
from framework.web.templates import render

__all__ = [
    "ErrorHandlers",
    "ExceptionMiddleware",
    "ServerErrorMiddleware",
    "error_body",
    "render_error",
]

logger = logging.getLogger("framework.web")

ErrorHandler = Callable[[Request, BaseException], Any]
_PROGRESS = PROGRESS_KEY
_Progress = ResponseProgress


class _Tracker:
    """Forward messages to the server's *send*, marking *progress* when the response starts.

    Under the App, ``RequestIdMiddleware`` records the start in its own wrapper and puts the
    ``_Progress`` in the scope, so neither error middleware wraps ``send``; used without it,
    the outer one installs a tracker and the inner one reads its progress. Either way a
    request pays for one wrapper. The scope must not hold the tracker itself: the
    server's ``send`` is a method of an object that holds the scope, and that reference
    cycle would leave every request to the garbage collector.
    """

    __slots__ = ("progress", "send")

    def __init__(self, send: Send, progress: _Progress) -> None:
        self.send = send
        self.progress = progress

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.progress.started = True
        await self.send(message)


ERROR_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{status} {phrase}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;
color:#222}}h1{{font-size:1.6rem}}</style></head>
<body><h1>{status} {phrase}</h1><p>{detail}</p>{errors}</body></html>
"""


class ErrorHandlers:
    """Handlers by status code and by exception class (looked up along the class's MRO)."""

    def __init__(self) -> None:
        self.by_status: dict[int, ErrorHandler] = {}
        self.by_class: dict[type[BaseException], ErrorHandler] = {}

    def __bool__(self) -> bool:
        return bool(self.by_status or self.by_class)

    def add(self, key: int | type[BaseException], handler: ErrorHandler) -> None:
        """Register *handler* for a status code or an exception class."""
        if isinstance(key, int) and not isinstance(key, bool):
            if not 400 <= key <= 599:
                raise ValueError(f"Error handlers are for statuses 400-599; got {key!r}.")
            self.by_status[key] = ensure_async(handler)
        elif isinstance(key, type) and issubclass(key, BaseException):
            self.by_class[key] = ensure_async(handler)
        else:
            raise TypeError(
                f"An error handler key is a status code or exception class; got {key!r}."
            )

    def lookup(self, exc: BaseException, *, server: bool = False) -> ErrorHandler | None:
        """Return the handler for *exc*; *server* selects the 500/``Exception`` handlers."""
        if server:
            return self.by_status.get(500) or self.by_class.get(Exception)
        if isinstance(exc, StarletteHTTPException):
            handler = self.by_status.get(exc.status_code)
            if handler is not None:
                return handler
        for cls in type(exc).__mro__:
            if cls is Exception:
                break
            handler = self.by_class.get(cls)
            if handler is not None:
                return handler
        return None


def error_body(detail: str, errors: Sequence[Any] = ()) -> dict[str, Any]:
    """Return the stable error body ``{"detail": ..., "errors": [...]}``."""
    return {"detail": detail, "errors": list(errors)}


def wants_html(request: HTTPConnection) -> bool:
    """Return whether an error for *request* renders as HTML (route option, then Accept).

    ``Accept`` is negotiated with q-values (:func:`~framework.web.negotiation.prefers_html`):
    HTML only when the client prefers ``text/html`` to ``application/json``.
    """
    route = request.scope.get("route")
    choice = getattr(route, "html", None)
    if choice is not None:
        return bool(choice)
    return prefers_html(request.headers.get("accept", ""))


def _negotiated(request: Request, headers: dict[str, str] | None) -> dict[str, str] | None:
    """Add ``Vary: Accept`` to *headers* when the error's format depends on ``Accept``."""
    if getattr(request.scope.get("route"), "html", None) is not None:
        return headers  # the route fixed the format
    headers = dict(headers or {})
    vary = headers.get("Vary") or headers.get("vary")
    headers.pop("vary", None)
    headers["Vary"] = f"{vary}, Accept" if vary and "accept" not in vary.lower() else "Accept"
    return headers


def render_error(
    request: Request,
    status_code: int,
    detail: str,
    errors: Sequence[Any] = (),
    headers: dict[str, str] | None = None,
) -> StarletteResponse:
    """Return the default error response: JSON body, or an HTML page for HTML clients."""
    headers = _negotiated(request, headers)
    if status_code in (204, 304) or request.method == "HEAD":
        return StarletteResponse(status_code=status_code, headers=headers)
    if wants_html(request):
        messages = (
            error.get("msg", error) if isinstance(error, dict) else error for error in errors
        )
        items = "".join(f"<li>{html.escape(str(message))}</li>" for message in messages)
        page = ERROR_PAGE.format(
            status=status_code,
            phrase=html.escape(status_phrase(status_code)),
            detail=html.escape(detail),
            errors=f"<ul>{items}</ul>" if items else "",
        )
        return HTMLResponse(page, status_code=status_code, headers=headers)
    return JSONResponse(error_body(detail, errors), status_code=status_code, headers=headers)


async def _call_handler(
    handler: ErrorHandler, request: Request, exc: BaseException, status_code: int
) -> StarletteResponse | None:
    """Call *handler*; None means "use the default rendering"."""
    result = await handler(request, exc)
    if result is None or isinstance(result, StarletteResponse):
        return result
    response = to_response(result)
    if not isinstance(result, tuple):
        response.status_code = status_code
    return response


class _Prefixes:
    """Per-app handlers, found by the matched route or by the app's URL prefix."""

    def __init__(self, prefixed: Sequence[tuple[str, ErrorHandlers]]) -> None:
        # Longest prefix first, so nested prefixes pick the most specific app.
        self.prefixed = sorted(prefixed, key=lambda item: len(item[0]), reverse=True)

    def for_scope(self, scope: Scope) -> ErrorHandlers | None:
        route = scope.get("route")
        handlers = getattr(route, "error_handlers", None)
        if route is not None:
            return handlers
        path = scope.get("path", "")
        for prefix, prefix_handlers in self.prefixed:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return prefix_handlers
        return None


async def handled_response(
    request: Request, exc: Exception, handler: ErrorHandler | None
) -> StarletteResponse | None:
    """Return the answer to *exc* by its *handler* or its status; None for a server error."""
    if isinstance(exc, StarletteHTTPException):
        if handler is not None:
            response = await _call_handler(handler, request, exc, exc.status_code)
            if response is not None:
                return response
        return render_error(
            request,
            exc.status_code,
            str(exc.detail),
            getattr(exc, "errors", ()),
            dict(exc.headers or {}) or None,
        )
    if handler is not None:
        return await _call_handler(handler, request, exc, 500)
    known = _client_database_error(exc)
    if known is not None:
        return render_error(request, *known)
    return None


class ExceptionMiddleware:
    """Answer ``HTTPException`` and handled exception classes raised by routes and hooks."""

    def __init__(
        self,
        app: ASGIApp,
        handlers: ErrorHandlers,
        prefixed: Sequence[tuple[str, ErrorHandlers]] = (),
        debug: bool = False,
        describe_routes: Callable[[], list[dict[str, Any]]] | None = None,
    ) -> None:
        self.app = app
        self.handlers = handlers
        self.prefixes = _Prefixes(prefixed)
        self.debug = debug
        self.describe_routes = describe_routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        progress = scope.get(_PROGRESS)
        inner_send: Send = send
        if progress is None:  # used without ServerErrorMiddleware around it
            progress = _Progress()
            inner_send = _Tracker(send, progress)
        try:
            await self.app(scope, receive, inner_send)
        except Exception as exc:
            if progress.started or not await self.recover(scope, receive, send, exc):
                raise

    async def recover(self, scope: Scope, receive: Receive, send: Send, exc: Exception) -> bool:
        """Answer *exc*, raised before the response started; False if it is a server error.

        The App's ``Dispatcher`` calls it from its own frame (see ``Dispatcher.errors``).
        """
        response = await self.handle(scope, receive, exc)
        if response is None:
            return False
        await response(scope, receive, send)
        return True

    async def handle(self, scope: Scope, receive: Receive, exc: Exception) -> Any:
        """Return the response for *exc*, or None when it is a server error (500)."""
        request = Request(scope, receive)
        if isinstance(exc, HTMLAbort):  # html_abort(): the page was chosen where it was raised
            return render(
                request,
                exc.template,
                {**exc.context, "status_code": exc.status_code},
                status_code=exc.status_code,
                headers=exc.headers,
            )
        local = self.prefixes.for_scope(scope)
        handler = (local.lookup(exc) if local else None) or self.handlers.lookup(exc)
        if isinstance(exc, StarletteHTTPException):
            if handler is not None:
                response = await _call_handler(handler, request, exc, exc.status_code)
                if response is not None:
                    return response
                handler = None
            describe = self.describe_routes
            if describe is not None and self._debug_not_found(scope, request, exc):
                from framework.web.debug import not_found_page

                return not_found_page(request, describe())
        return await handled_response(request, exc, handler)

    def _debug_not_found(self, scope: Scope, request: Request, exc: Exception) -> bool:
        return (
            self.debug
            and "route" not in scope
            and getattr(exc, "status_code", None) == 404
            and wants_html(request)
        )


def _client_database_error(exc: Exception) -> tuple[int, str] | None:
    """Return ``(status, detail)`` for a database error the client caused, else None.

    An integrity error (a unique value taken, a missing referenced row) is ``409``; a value
    the database cannot take (an integer out of its range, a page below 1) is ``400``.
    """
    module = type(exc).__module__
    if not (module.startswith(("sqlalchemy", "framework.db")) or isinstance(exc, OverflowError)):
        return None
    from framework.db.errors import client_error

    known = client_error(exc)
    if known is None:
        return None
    kind, detail = known
    return (409 if kind == "conflict" else 400), detail


class ServerErrorMiddleware:
    """Turn unhandled exceptions into a 500 (traceback page in DEBUG) and re-raise them.

    An exception raised by a middleware (outside the routes) first goes to the handler
    registered for its class or status, as a route's would; an ``HTTPException`` answers
    with its status. Only what no handler answers is a server error.
    """

    def __init__(
        self,
        app: ASGIApp,
        handlers: ErrorHandlers,
        debug: bool = False,
        prefixed: Sequence[tuple[str, ErrorHandlers]] = (),
    ) -> None:
        self.app = app
        self.handlers = handlers
        self.debug = debug
        self.prefixes = _Prefixes(prefixed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        progress: _Progress | None = scope.get(_PROGRESS)
        inner_send: Send = send
        if progress is None or progress.started:  # no request-id wrapper outside records it
            progress = scope[_PROGRESS] = _Progress()
            inner_send = _Tracker(send, progress)
        try:
            await self.app(scope, receive, inner_send)
        except Exception as exc:
            if progress.started:
                raise
            if await self.recover(scope, receive, send, progress, exc):
                return  # raised by a middleware, answered by its handler
            # Re-raised so the server logs it and test clients can surface it.
            raise

    async def recover(
        self, scope: Scope, receive: Receive, send: Send, progress: _Progress, exc: Exception
    ) -> bool:
        """Answer *exc* (the response has not started); return whether a handler answered it.

        False means a server error: the 500 went out and the caller re-raises *exc*.
        ``RequestIdMiddleware`` calls it from its own frame under the App.
        """
        # The answer comes from outside MIDDLEWARE: the response-header hooks registered
        # inside it (security headers, the session's cookie) are not its own.
        hooks = scope.get(HOOKS_KEY)
        if hooks:
            hooks.clear()
        return await self._answer(scope, receive, _Tracker(send, progress), exc)

    async def _answer(self, scope: Scope, receive: Receive, send: _Tracker, exc: Exception) -> bool:
        """Send the answer to *exc*; return whether a handler answered it (not a 500).

        An exception raised by a middleware goes to its handler first; otherwise it is a
        500 (its handler, or the DEBUG page). A handler or page that fails in turn must not
        leave the client without an answer: the stable error body goes out instead.
        """
        try:
            local = self.prefixes.for_scope(scope)
            handler = (local.lookup(exc) if local else None) or self.handlers.lookup(exc)
            handled = await handled_response(Request(scope, receive), exc, handler)
            response = handled or await self._response(scope, receive, exc)
            await response(scope, receive, send)
            return handled is not None
        except Exception:
            logger.exception("The error response for %s failed", type(exc).__name__)
            if not send.progress.started:
                fallback = render_error(Request(scope, receive), 500, status_phrase(500))
                await fallback(scope, receive, send)
            return False

    async def _response(self, scope: Scope, receive: Receive, exc: Exception) -> Any:
        request = Request(scope, receive)
        if self.debug:
            from framework.web.debug import debug_response

            return debug_response(request, exc)
        local = self.prefixes.for_scope(scope)
        handler = (local.lookup(exc, server=True) if local else None) or self.handlers.lookup(
            exc, server=True
        )
        if handler is not None:
            try:
                response = await _call_handler(handler, request, exc, 500)
                if response is not None:
                    return response
            except Exception:
                logger.exception("The 500 error handler %r failed", handler)
        return render_error(request, 500, status_phrase(500))
