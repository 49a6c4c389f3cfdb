"""Subscriptions over WebSocket, with Strawberry's own protocol handlers.

The socket arrives through the framework's WebSocket route, so the cross-site Origin rule,
the before hooks and any route decorators have already run. Here a subprotocol is chosen
(``graphql-transport-ws``, else the older ``graphql-ws``), the socket is accepted, and
Strawberry's handler for that protocol runs the conversation (``connection_init`` and
``connection_ack``, ``subscribe``, ``next``, ``complete``, pings) on the schema, with a
:class:`~framework.graphql.context.GraphQLContext` of the connection. The limits, the
introspection rule and the resolver guards apply as over HTTP.

Feed a subscription from an async generator; :func:`broadcast_events` is one that yields
what ``framework.web.broadcast`` publishes on a channel, from any process (delivery is
broadcast's: at most once, from the moment the subscription has started).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from datetime import timedelta
from typing import Any

from framework.web.websockets import WebSocket, WebSocketDisconnect, WebSocketState

__all__ = ["PROTOCOLS", "broadcast_events", "serve_websocket"]

GRAPHQL_TRANSPORT_WS = "graphql-transport-ws"
GRAPHQL_WS = "graphql-ws"
#: The subprotocols served, preferred first.
PROTOCOLS = (GRAPHQL_TRANSPORT_WS, GRAPHQL_WS)
#: How long a client has to send ``connection_init`` after the handshake.
INIT_TIMEOUT = timedelta(seconds=30)
#: Operations one connection may run at once.
MAX_OPERATIONS = 100


class _ProtocolView:
    """What Strawberry's protocol handlers ask of their view: JSON and the connect hook."""

    def decode_json(self, data: str | bytes) -> object:
        return json.loads(data)

    def encode_json(self, data: object) -> str:
        return json.dumps(data)

    async def on_ws_connect(self, context: Any) -> Any:
        from strawberry.types.unset import UNSET

        return UNSET


def _adapter_class() -> type:
    """Return the Strawberry WebSocket adapter over the framework's ``WebSocket``."""
    from strawberry.http.async_base_view import AsyncWebSocketAdapter
    from strawberry.http.exceptions import (
        NonJsonMessageReceived,
        NonTextMessageReceived,
        WebSocketDisconnected,
    )

    class Adapter(AsyncWebSocketAdapter):
        def __init__(self, view: Any, ws: WebSocket) -> None:
            super().__init__(view)
            self.ws = ws

        async def iter_json(
            self, *, ignore_parsing_errors: bool = False
        ) -> AsyncGenerator[object, None]:
            try:
                while self.ws.application_state != WebSocketState.DISCONNECTED:
                    message = await self.ws.receive()
                    if message["type"] == "websocket.disconnect":
                        return
                    text = message.get("text")
                    if text is None:
                        raise NonTextMessageReceived
                    try:
                        yield self.view.decode_json(text)
                    except ValueError as exc:
                        if not ignore_parsing_errors:
                            raise NonJsonMessageReceived from exc
            except WebSocketDisconnect:
                return

        async def send_json(self, message: Mapping[str, object]) -> None:
            try:
                encoded = self.view.encode_json(message)
                await self.ws.send_text(encoded if isinstance(encoded, str) else encoded.decode())
            except (WebSocketDisconnect, RuntimeError) as exc:
                raise WebSocketDisconnected from exc

        async def close(self, code: int, reason: str) -> None:
            if self.ws.application_state != WebSocketState.DISCONNECTED:
                await self.ws.close(code=code, reason=reason)

    return Adapter


async def serve_websocket(ws: WebSocket, engine: Any) -> None:
    """Run the GraphQL WebSocket protocol the client asked for on *ws*."""
    from framework.graphql.context import GraphQLContext

    if engine.strawberry_schema is None:
        await ws.close(code=1008, reason="Subscriptions need a Strawberry schema.")
        return
    offered = list(ws.scope.get("subprotocols") or ())
    protocol = next((name for name in offered if name in PROTOCOLS), None)
    await ws.accept(subprotocol=protocol)
    if protocol is None:
        await ws.close(code=4406, reason="Subprotocol not acceptable")
        return
    context = GraphQLContext(ws)
    await context.authenticate()
    view = _ProtocolView()
    adapter = _adapter_class()(view, ws)
    handler = _handler_class(protocol)
    options: dict[str, Any] = {"max_subscriptions_per_connection": MAX_OPERATIONS}
    if protocol == GRAPHQL_TRANSPORT_WS:
        options["connection_init_wait_timeout"] = INIT_TIMEOUT
    else:
        options.update(keep_alive=False, keep_alive_interval=None)
    await handler(
        view=view,
        websocket=adapter,
        context=context,
        root_value=None,
        schema=engine.strawberry_schema,
        **options,
    ).handle()


def _handler_class(protocol: str) -> Any:
    if protocol == GRAPHQL_TRANSPORT_WS:
        from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
            BaseGraphQLTransportWSHandler,
        )

        return BaseGraphQLTransportWSHandler
    from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler

    return BaseGraphQLWSHandler


async def broadcast_events(channel: str) -> AsyncIterator[Any]:
    """Yield each message published on *channel* with ``framework.web.broadcast``.

    ::

        @strawberry.subscription
        async def messages(self, room: int) -> AsyncIterator[Message]:
            async for data in broadcast_events(f"room:{room}"):
                yield Message(**data)
    """
    from framework.web import broadcast
    from framework.web.broadcasting.events import MESSAGE

    async with broadcast.subscribe(channel) as events:
        async for event in events:
            if event.type == MESSAGE:  # not the "gap" notice after a lost connection
                yield event.message
