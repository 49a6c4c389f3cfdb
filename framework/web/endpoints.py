"""The ASGI endpoints behind routes: one object per route, composed once at build time.

:class:`HTTPEndpoint` is the hot path. Per request it builds the ``Request``, checks the
body headers against the route's limits, runs the before hooks, the handler (through its
pipeline steps, if any), converts the return value, runs the after hooks, commits an
atomic request's transaction and sends the response; then it closes uploads, awaits
``call_on_close`` callbacks and runs ``after_response`` tasks. The request's database scope
(lazy: no session until used) is active from the first hook to the last byte sent, so
streaming responses can still read; with ``ATOMIC_REQUESTS`` the commit comes *before* the
response starts, and what a streaming body writes afterwards autocommits.
Nothing in it reads settings or allocates what a route without hooks or steps does not need.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from starlette.responses import Response as StarletteResponse
from starlette.types import Receive, Scope, Send

from framework.web.background import BackgroundRunner
from framework.web.broadcasting.errors import SlowSubscriberError
from framework.web.deferred import SCOPE_KEY, HeaderCheck, settle
from framework.web.exceptions import HTTPException
from framework.web.inputlimits import Limits, body_too_large, inspect_body_headers
from framework.web.pipeline import Call
from framework.web.requests import DB_SCOPE_KEY, FORM_SCOPE_KEY, ClientDisconnect, Request
from framework.web.responses import to_response
from framework.web.websockets import (
    TRY_AGAIN_LATER,
    WebSocket,
    WebSocketDisconnect,
    WebSocketState,
    origin_is_allowed,
)

__all__ = ["AfterHook", "BeforeHook", "HTTPEndpoint", "WebSocketEndpoint"]

logger = logging.getLogger("framework.web")

#: A before hook gets the Request, or the WebSocket of a handshake.
BeforeHook = Callable[[Request | WebSocket], Awaitable[Any]]
AfterHook = Callable[[Request, StarletteResponse], Awaitable[Any]]


class HTTPEndpoint:
    """Serve one HTTP route: limits, hooks, pipeline, response, clean-up."""

    __slots__ = ("after", "before", "call", "db", "handler", "header_auth", "limits", "runner")

    def __init__(
        self,
        handler: Callable[..., Any],
        call: Call | None,
        limits: Limits,
        runner: BackgroundRunner,
        before: Sequence[BeforeHook] = (),
        after: Sequence[AfterHook] = (),
        db: Any = None,
        *,
        header_auth: Sequence[HeaderCheck] = (),
    ) -> None:
        #: The bound handler; called directly when *call* is None (no steps, async).
        self.handler = handler
        self.call = call
        self.limits = limits
        self.runner = runner
        self.before = tuple(before)
        self.after = tuple(after)
        #: ``RequestSessions`` of the database layer, or None when there is none.
        self.db = db
        #: Whether the route's auth backends accept a request's header credentials.
        self.header_auth = tuple(header_auth)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive, send, self.limits)
        db = self.db
        state = scope[DB_SCOPE_KEY] = db.enter() if db is not None else None
        error: BaseException | None = None
        try:
            response = await self.respond(request, scope)
            if state is not None and db.atomic:
                # ATOMIC_REQUESTS: commit before the response starts, so no client hears
                # of a write that is not there; a failed commit is an error response.
                await db.commit(state)
            await response(scope, receive, send)
        except ClientDisconnect as exc:
            error = exc  # nothing the handler did before is kept
            return  # the client left while sending its body: no one to answer
        except BaseException as exc:
            error = exc
            if request._form is not None:
                scope[FORM_SCOPE_KEY] = request._form  # for the DEBUG page
            raise
        finally:
            if state is not None:
                await db.exit(state, error)
            # This frame -> error -> traceback -> this frame would be a reference cycle.
            error = None
            if request._form is not None or request._on_close is not None:
                await request.run_on_close()
        if request._after_response is not None:
            await self.runner.run_after_response(request._after_response)

    async def respond(self, request: Request, scope: Scope) -> StarletteResponse:
        """Return the response for *request* (everything but sending it)."""
        if SCOPE_KEY in scope:  # a refusal deferred by a middleware (CSRF): settle it first
            await settle(request, self.header_auth)
        limit = self.limits.max_body_size
        length, chunked = inspect_body_headers(scope["headers"])
        if limit:
            if length is not None and length > limit:
                raise body_too_large(limit)
            if chunked and length is None:
                await request.body()  # read now, within the limit, before the handler runs
        for hook in self.before:
            early = await hook(request)
            if early is not None:
                response = to_response(early)
                break
        else:
            if self.call is None:
                result = await self.handler(request, **scope["path_params"])
            else:
                result = await self.call(request, dict(scope["path_params"]))
            response = result if isinstance(result, StarletteResponse) else to_response(result)
        if self.after:
            return await self._after(request, response)
        return response

    async def _after(self, request: Request, response: StarletteResponse) -> StarletteResponse:
        for hook in self.after:
            replaced = await hook(request, response)
            if replaced is not None:
                response = to_response(replaced)
        return response


class WebSocketEndpoint:
    """Serve one WebSocket route: Origin check, hooks and pipeline, handler, close on error.

    The before hooks and the pipeline's steps (authentication) run before the handler, with
    the ``WebSocket`` as the request. A refusal — a hook or step that answers instead of
    going on, or raises ``HTTPException`` — closes the socket before it is accepted, with
    1008, which servers send as a 403 answer to the handshake: the client never gets a
    message from a refused handler.
    """

    __slots__ = (
        "allowed_origins",
        "before",
        "call",
        "check_origin",
        "db",
        "handler",
        "max_message_size",
    )

    def __init__(
        self,
        handler: Callable[..., Any],
        max_message_size: int,
        check_origin: bool,
        allowed_origins: frozenset[str],
        db: Any = None,
        call: Call | None = None,
        before: Sequence[BeforeHook] = (),
    ) -> None:
        self.handler = handler
        self.max_message_size = max_message_size
        self.check_origin = check_origin
        self.allowed_origins = allowed_origins
        self.db = db
        #: The handler wrapped in its steps; None calls the handler directly.
        self.call = call
        self.before = tuple(before)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive, send, self.max_message_size)
        if self.check_origin and not origin_is_allowed(scope, self.allowed_origins):
            # Closing before accepting makes the server answer the handshake with 403.
            await websocket.close(code=1008, reason="Cross-site WebSocket refused.")
            return
        db = self.db
        # A WebSocket may stay open for hours: it autocommits, never one long transaction.
        state = scope[DB_SCOPE_KEY] = db.enter(atomic=False) if db is not None else None
        error: BaseException | None = None
        try:
            await _unwrap_groups(self.serve(websocket, scope))
        except WebSocketDisconnect:
            pass  # the client went away: nothing to report
        except HTTPException as exc:  # refused by a hook, a step or the handler
            await _close(websocket, 1008, str(exc.detail))
        except SlowSubscriberError as exc:  # logged by the broadcast when it dropped the socket
            error = exc
            await _close(websocket, TRY_AGAIN_LATER, "Too slow to keep up.")
        except Exception as exc:
            error = exc
            logger.exception("WebSocket handler %s failed", _name(self.handler))
            await _close(websocket, 1011, "Internal error")
        except BaseException as exc:  # cancelled: the connection's session is still released
            error = exc
            raise
        finally:
            if state is not None:
                await db.exit(state, error)
            error = None  # no frame -> error -> traceback -> frame cycle

    async def serve(self, websocket: WebSocket, scope: Scope) -> None:
        """Run the hooks, the steps and the handler; refuse the handshake if they answer."""
        for hook in self.before:
            if await hook(websocket) is not None:
                break
        else:
            if self.call is None:
                await self.handler(websocket, **scope["path_params"])
            else:
                await self.call(websocket, dict(scope["path_params"]))
        if websocket.application_state == WebSocketState.CONNECTING:
            # A hook or step answered instead of the handler (or it never accepted).
            await websocket.close(code=1008, reason="WebSocket refused.")


async def _unwrap_groups(call: Awaitable[None]) -> None:
    """Await *call*; a group made only of disconnects (or only of dropped subscriptions)
    raises its first one.

    A handler that runs a task group (one task reading the socket, one sending broadcast
    events) sees a client that goes away as an ``ExceptionGroup``: that is still a
    disconnect, not a failure to log.
    """
    try:
        await call
    except BaseExceptionGroup as group:
        for kind in (WebSocketDisconnect, SlowSubscriberError):
            matched, rest = group.split(kind)
            if matched is not None and rest is None:
                leaf: BaseException = matched
                while isinstance(leaf, BaseExceptionGroup):
                    leaf = leaf.exceptions[0]
                raise leaf from None
        raise


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    """Close *websocket* with *code* (before or after accepting), if it is still open."""
    if websocket.application_state == WebSocketState.DISCONNECTED:
        return
    encoded = reason.encode("utf-8")[:123]  # a close reason is at most 123 bytes
    await websocket.close(code=code, reason=encoded.decode("utf-8", "ignore"))


def _name(handler: Callable[..., Any]) -> str:
    func = getattr(handler, "__func__", handler)
    return f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', repr(func))}"
