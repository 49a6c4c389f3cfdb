"""Server-Sent Events: a response that streams events until the handler ends or the client goes.

A handler either **yields** events (an async generator) or **sends** them through the
``sse`` argument it receives::

    @sse("/ticks")
    async def ticks(self, request):
        for i in range(3):
            yield {"event": "tick", "data": {"n": i}, "id": i}

    @sse("/feed")
    async def feed(self, request, sse):
        await sse.send({"n": 1}, event="tick")

An event is a :class:`ServerSentEvent`, a dict of its fields (``data``, ``event``, ``id``,
``retry``, ``comment``), or any other value, sent as ``data`` (strings as they are, the rest
as JSON). A comment line goes out every *keepalive* seconds of silence so proxies keep the
connection open. When the client disconnects the handler is cancelled: its ``finally``
blocks run (wrap awaits inside them in ``anyio.CancelScope(shield=True)``).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Mapping
from contextlib import aclosing
from dataclasses import dataclass
from typing import Any

import anyio

from framework.web.broadcasting.errors import SlowSubscriberError
from framework.web.responses import Response, json_default

__all__ = ["EventSource", "EventSourceResponse", "ServerSentEvent", "last_event_id"]

logger = logging.getLogger("framework.web")

_FIELDS = frozenset({"data", "event", "id", "retry", "comment"})
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


_MAX_EVENT_ID = 256


def last_event_id(request: Any) -> str | None:
    """Return the id of the last event a reconnecting client received, or None.

    Browsers send it as the ``Last-Event-ID`` header when an ``EventSource`` reconnects;
    polyfills that cannot set headers send ``?lastEventId=``. A value longer than 256
    characters or with control characters is ignored (None), never passed on.
    """
    value = request.headers.get("last-event-id")
    if value is None:
        value = request.query_params.get("lastEventId")
    if not value or len(value) > _MAX_EVENT_ID or any(ord(c) < 32 for c in value):
        return None
    return str(value)


def _single_line(name: str, value: str) -> str:
    if "\r" in value or "\n" in value or "\0" in value:
        raise ValueError(f"The SSE {name} {value!r} must not contain line breaks or NUL.")
    return value


@dataclass
class ServerSentEvent:
    """One event: ``data`` (any JSON value or text), ``event`` name, ``id``, ``retry`` (ms)."""

    data: Any = None
    event: str | None = None
    id: str | int | None = None
    retry: int | None = None
    comment: str | None = None

    @classmethod
    def coerce(cls, value: Any) -> ServerSentEvent:
        """Return *value* as an event: events pass, field dicts map, anything else is data."""
        if isinstance(value, ServerSentEvent):
            return value
        to_sse = getattr(value, "to_sse", None)
        if callable(to_sse):  # a broadcast Event
            value = to_sse()
        if isinstance(value, Mapping) and value and set(value) <= _FIELDS:
            return cls(**value)
        return cls(data=value)

    def encode(self) -> bytes:
        """Return the event in the wire format (``field: value`` lines and a blank line)."""
        lines = [f": {line}" for line in _LINE_BREAK.split(self.comment)] if self.comment else []
        if self.event is not None:
            lines.append(f"event: {_single_line('event name', str(self.event))}")
        if self.id is not None:
            lines.append(f"id: {_single_line('id', str(self.id))}")
        if self.retry is not None:
            lines.append(f"retry: {int(self.retry)}")
        if self.data is not None:
            text = (
                self.data
                if isinstance(self.data, str)
                else json.dumps(
                    self.data, separators=(",", ":"), ensure_ascii=False, default=json_default
                )
            )
            lines.extend(f"data: {line}" for line in _LINE_BREAK.split(text))
        return ("\n".join(lines) + "\n\n").encode("utf-8")


class _Channel:
    """The ASGI side of a stream: serialises sends and remembers when the last one went out."""

    def __init__(self, send: Callable[[dict[str, Any]], Awaitable[None]]) -> None:
        self._send = send
        self.lock = anyio.Lock()
        self.last = anyio.current_time()
        #: Set when the handler is done: nothing (not even a keep-alive) may follow.
        self.closed = False

    async def write(self, chunk: bytes) -> None:
        async with self.lock:
            if self.closed:
                return
            await self._send({"type": "http.response.body", "body": chunk, "more_body": True})
            self.last = anyio.current_time()


class EventSource:
    """What a send-style SSE handler receives: ``await sse.send(data, event=..., id=...)``."""

    def __init__(self, channel: _Channel) -> None:
        self._channel = channel

    async def send(
        self,
        data: Any = None,
        *,
        event: str | None = None,
        id: str | int | None = None,
        retry: int | None = None,
    ) -> None:
        """Send one event."""
        event_obj = (
            ServerSentEvent.coerce(data)
            if event is id is retry is None
            else (ServerSentEvent(data=data, event=event, id=id, retry=retry))
        )
        await self._channel.write(event_obj.encode())

    async def comment(self, text: str) -> None:
        """Send a comment line (ignored by browsers; useful as a heartbeat)."""
        await self._channel.write(ServerSentEvent(comment=text).encode())


class EventSourceResponse(Response):
    """Stream events from an async iterable *source* or a *producer* ``(sse) -> awaitable``."""

    media_type = "text/event-stream"

    def __init__(
        self,
        source: AsyncIterable[Any] | None = None,
        *,
        producer: Callable[[EventSource], Awaitable[Any]] | None = None,
        keepalive: float = 15.0,
        status_code: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        if (source is None) == (producer is None):
            raise TypeError("EventSourceResponse needs exactly one of source= or producer=.")
        self.source = source
        self.producer = producer
        self.keepalive = keepalive
        self.status_code = status_code
        self.background = None
        self.init_headers(
            {"cache-control": "no-cache", "x-accel-buffering": "no", **dict(headers or {})}
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        channel = _Channel(send)
        try:
            async with anyio.create_task_group() as group:
                group.start_soon(self._produce, channel, group.cancel_scope)
                group.start_soon(self._wait_disconnect, receive, group.cancel_scope)
                if self.keepalive > 0:
                    group.start_soon(self._keep_alive, channel)
        except BaseExceptionGroup as errors:
            # OSError: the client went away mid-write; a slow subscriber was dropped (logged
            # by the broadcast): end the stream so the browser reconnects with Last-Event-ID.
            _, others = errors.split((OSError, SlowSubscriberError))
            if others is not None:
                # The response has started, so no error page can follow: log and end.
                logger.error("Server-Sent Events handler failed", exc_info=others.exceptions[0])
            else:
                return
        try:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            return

    async def _produce(self, channel: _Channel, scope: anyio.CancelScope) -> None:
        try:
            if self.producer is not None:
                await self.producer(EventSource(channel))
            else:
                assert self.source is not None
                async with _closing(self.source) as events:
                    async for item in events:
                        await channel.write(ServerSentEvent.coerce(item).encode())
        finally:
            channel.closed = True
            scope.cancel()

    @staticmethod
    async def _wait_disconnect(receive: Any, scope: anyio.CancelScope) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                scope.cancel()
                return

    async def _keep_alive(self, channel: _Channel) -> None:
        while True:
            await anyio.sleep(max(self.keepalive - (anyio.current_time() - channel.last), 0.01))
            if anyio.current_time() - channel.last >= self.keepalive:
                await channel.write(b": keep-alive\n\n")


def _closing(source: AsyncIterable[Any]) -> Any:
    """Return a context manager that closes *source* (running its ``finally``) on exit."""
    iterator: AsyncIterator[Any] = aiter(source)
    if hasattr(iterator, "aclose"):
        return aclosing(iterator)

    class _NoClose:
        async def __aenter__(self) -> AsyncIterator[Any]:
            return iterator

        async def __aexit__(self, *args: Any) -> None:
            return None

    return _NoClose()
