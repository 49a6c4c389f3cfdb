"""``WebSocket``: Starlette's socket with a message size limit and a cross-site Origin check.

Handlers send and receive text, JSON and bytes (``send_text``/``receive_text``,
``send_json``/``receive_json``, ``send_bytes``/``receive_bytes``, ``iter_text``…) and close
with a code (``await ws.close(code=4000, reason="bye")``). A message larger than the route's
``max_message_size`` closes the socket with 1009 (Message Too Big).

A browser sends cookies with a WebSocket handshake to any site, so a page elsewhere could
open a socket authenticated as the visitor (cross-site WebSocket hijacking). With
``check_origin`` on (WEBSOCKET_CHECK_ORIGIN, the default), a handshake that carries cookies
and an ``Origin`` of another site — not this host, not in WEBSOCKET_ALLOWED_ORIGINS — is
refused with 403 before the handler runs.

The app's and the controller's before-request hooks and the handler's decorators
(``@authenticate``, ``@login_required``) run before the handler, with the ``WebSocket`` as the
request; a refusal closes the socket before it is accepted (403 to the handshake).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

from starlette import websockets as _starlette
from starlette.types import Message, Receive, Scope, Send

from framework.exceptions import ImproperlyConfigured
from framework.web.requests import scope_db

__all__ = [
    "MESSAGE_TOO_BIG",
    "TRY_AGAIN_LATER",
    "WebSocket",
    "WebSocketDisconnect",
    "WebSocketState",
    "origin_is_allowed",
]

WebSocketDisconnect = _starlette.WebSocketDisconnect
WebSocketState = _starlette.WebSocketState
#: Close code for a message over the size limit (RFC 6455).
MESSAGE_TOO_BIG = 1009
#: Close code for a subscriber dropped for being too slow: reconnect later (RFC 6455 registry).
TRY_AGAIN_LATER = 1013


class WebSocket(_starlette.WebSocket):
    """A WebSocket connection as handlers receive it."""

    def __init__(
        self, scope: Scope, receive: Receive, send: Send, max_message_size: int = 0
    ) -> None:
        super().__init__(scope, receive, send)
        self.max_message_size = max_message_size

    async def receive(self) -> Message:
        """Receive the next ASGI message; an oversized one closes the socket with 1009."""
        message = await super().receive()
        limit = self.max_message_size
        if limit and message["type"] == "websocket.receive":
            text = message.get("text")
            size = (
                len(message.get("bytes") or b"")
                if text is None
                else (len(text) if len(text) * 4 <= limit else len(text.encode("utf-8")))
            )
            if size > limit:
                reason = f"Message too big: the limit is {limit} bytes."
                await self.close(code=MESSAGE_TOO_BIG, reason=reason)
                self.client_state = WebSocketState.DISCONNECTED
                raise WebSocketDisconnect(MESSAGE_TOO_BIG, reason)
        return message

    @property
    def method(self) -> str:
        """Return ``"GET"``: the handshake's method, so hooks and auth written for requests work."""
        return "GET"

    @property
    def db(self) -> Any:
        """Return the connection's database session, created on first use, closed at the end."""
        return scope_db(self.scope, "websocket")

    @property
    def session(self) -> Any:
        """Return the signed-cookie session of the handshake (needs SessionMiddleware)."""
        session = self.scope.get("session")
        if session is None:
            raise ImproperlyConfigured(
                "websocket.session needs the session middleware: add "
                "'framework.web.middleware.SessionMiddleware' to MIDDLEWARE and set SECRET_KEY "
                "(it signs the cookie)."
            )
        loader = getattr(session, "load", None)
        return loader() if loader is not None else session


def origin_is_allowed(scope: Scope, allowed_origins: Collection[str]) -> bool:
    """Return whether a handshake may proceed under the cross-site Origin rule."""
    origin = host = None
    has_cookie = False
    for name, value in scope.get("headers", ()):
        if name == b"origin":
            origin = value.decode("latin-1")
        elif name == b"host":
            host = value.decode("latin-1")
        elif name == b"cookie":
            has_cookie = True
    if origin is None or not has_cookie:
        return True
    origin = origin.strip().lower().rstrip("/")
    if origin in allowed_origins or "*" in allowed_origins:
        return True
    netloc = urlsplit(origin).netloc if "://" in origin else ""
    return bool(host) and netloc == (host or "").strip().lower()
