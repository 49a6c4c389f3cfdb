"""The floor for broadcast fan-out: a hand-written Starlette chat, one process, a set of sockets.

What one would write without a broadcast layer: every socket of the room in a set, each
message sent to each socket in turn. Same protocol as the framework's chat example (text in,
``{"text": ...}`` out to everyone).
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

rooms: dict[str, set[WebSocket]] = {}


async def room(websocket: WebSocket) -> None:
    members = rooms.setdefault(websocket.path_params["room"], set())
    await websocket.accept()
    members.add(websocket)
    try:
        async for text in websocket.iter_text():
            message = json.dumps({"text": text})
            for member in list(members):
                try:
                    await member.send_text(message)
                except (WebSocketDisconnect, RuntimeError):
                    members.discard(member)
    finally:
        members.discard(websocket)


app = Starlette(routes=[WebSocketRoute("/chat/{room}", room)])
