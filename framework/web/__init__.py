"""The web layer: ``App``, controllers and routing, requests and responses, real-time, errors.

Broadcasting, streamed form parsing and the media-type registry are imported on first use:
a server whose project uses none of them does not load them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from framework.module_loading import lazy_exports as _lazy_exports
from framework.web.app import App, current_app
from framework.web.background import BackgroundRunner
from framework.web.controllers import Controller
from framework.web.cors import cors, no_cors
from framework.web.development import development
from framework.web.exceptions import HTMLAbort, HTTPException, abort, html_abort
from framework.web.hooks import after_request, before_request, error_handler
from framework.web.inputlimits import Limits
from framework.web.pipeline import (
    EndpointSpec,
    HandlerDecorator,
    RouteDecl,
    endpoint_spec,
    get_endpoint_spec,
    handler_decorator,
    handler_decorators,
)
from framework.web.project import get_asgi_application
from framework.web.ratelimit import ratelimit
from framework.web.requests import Request
from framework.web.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from framework.web.routing import (
    Router,
    delete,
    get,
    patch,
    post,
    put,
    register_converter,
    route,
    sse,
    websocket,
)
from framework.web.sessions import Session
from framework.web.sse import EventSource, EventSourceResponse, ServerSentEvent, last_event_id
from framework.web.templates import Templates, render, render_stream
from framework.web.urls import url_for
from framework.web.websockets import WebSocket, WebSocketDisconnect

if TYPE_CHECKING:
    from framework.web.broadcasting import (
        Broadcast,
        BroadcastError,
        SlowSubscriberError,
        broadcast,
    )
    from framework.web.media import produces, register_parser, register_renderer
    from framework.web.multipart import FormDataIter

__all__ = [
    "App",
    "BackgroundRunner",
    "Broadcast",
    "BroadcastError",
    "Controller",
    "EndpointSpec",
    "EventSource",
    "EventSourceResponse",
    "FileResponse",
    "FormDataIter",
    "HTMLAbort",
    "HTMLResponse",
    "HTTPException",
    "HandlerDecorator",
    "JSONResponse",
    "Limits",
    "PlainTextResponse",
    "RedirectResponse",
    "Request",
    "Response",
    "RouteDecl",
    "Router",
    "ServerSentEvent",
    "Session",
    "SlowSubscriberError",
    "StreamingResponse",
    "Templates",
    "WebSocket",
    "WebSocketDisconnect",
    "abort",
    "after_request",
    "before_request",
    "broadcast",
    "cors",
    "current_app",
    "delete",
    "development",
    "endpoint_spec",
    "error_handler",
    "get",
    "get_asgi_application",
    "get_endpoint_spec",
    "handler_decorator",
    "handler_decorators",
    "html_abort",
    "last_event_id",
    "no_cors",
    "patch",
    "post",
    "produces",
    "put",
    "ratelimit",
    "register_converter",
    "register_parser",
    "register_renderer",
    "render",
    "render_stream",
    "route",
    "sse",
    "url_for",
    "websocket",
]

_HOMES = {
    "Broadcast": "broadcasting",
    "BroadcastError": "broadcasting",
    "SlowSubscriberError": "broadcasting",
    "broadcast": "broadcasting",
    "FormDataIter": "multipart",
    "produces": "media",
    "register_parser": "media",
    "register_renderer": "media",
}

__getattr__, __dir__ = _lazy_exports(__name__, _HOMES, __all__)
