"""The ``redis`` backend: Redis pub/sub across processes and hosts, with optional history.

One pub/sub connection per process (per event loop) subscribes once to each channel that
has local subscribers. When it breaks (Redis restarted, network cut), it reconnects with
backoff, subscribes again and sends every local subscriber a ``gap`` event: what was
published meanwhile is lost, delivery is at-most-once.

With ``OPTIONS={"history": N}`` each message is also appended to a Redis stream of the
channel in the same atomic step that publishes it, and the stream id becomes the event's
``id``. The stream keeps about N entries (Redis trims whole blocks of about 100) and expires
after ``history_ttl`` seconds without messages.
A subscriber that comes back with ``last_event_id`` gets what it missed first; if some of it
was trimmed away (or the stream is gone) it gets a ``gap`` before the replay. Redis 7 or
later is needed for history (``XINFO STREAM`` reports what was trimmed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from typing import Any

from framework.exceptions import ImproperlyConfigured, MissingDependencyError
from framework.web.broadcasting.errors import BroadcastError
from framework.web.broadcasting.events import Event, decode_message, stream_position
from framework.web.broadcasting.hub import Hub, reconnect

__all__ = ["RedisBackend"]

logger = logging.getLogger("framework.web.broadcast")

# XADD and PUBLISH in one atomic step, so the published message carries its stream id.
_PUBLISH_WITH_HISTORY = """
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'm', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('PUBLISH', KEYS[1], id .. '\\n' .. ARGV[2])
return id
"""


def _import_redis() -> Any:
    try:
        import redis.asyncio
    except ImportError as exc:
        raise MissingDependencyError("redis", "redis", "the redis broadcast backend") from exc
    return redis.asyncio


def _display(url: str) -> str:
    """Return *url* with its password hidden."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}{sep}{credentials.split(':', 1)[0]}:***@{host}"


def _lost_after(info: dict[str, Any], position: tuple[int, int]) -> bool:
    """Return whether the stream (XINFO STREAM *info*) dropped entries after *position*.

    Trimming removes the oldest entries: some after *position* are gone when the stream has
    lost any entries and its oldest remaining one is newer than *position*.
    """
    trimmed = int(info.get("entries-added") or 0) > int(info.get("length") or 0)
    first = info.get("first-entry")
    first_id = first[0] if first else None
    if isinstance(first_id, bytes):
        first_id = first_id.decode()
    oldest = stream_position(first_id)
    return trimmed and (oldest is None or oldest > position)


class RedisBackend:
    """Pub/sub on the Redis server at LOCATION (``redis://host:6379/0``)."""

    option_names = frozenset({"prefix", "history", "history_ttl"})

    def __init__(self, location: str, options: Mapping[str, Any] | None = None) -> None:
        options = dict(options or {})
        if not location:
            raise ImproperlyConfigured(
                "BROADCAST['LOCATION'] is empty: the redis backend needs the server's URL, "
                "e.g. 'redis://127.0.0.1:6379/0'."
            )
        self.url = location
        self.prefix = str(options.get("prefix", "framework:broadcast:"))
        self.history_size = int(options.get("history", 0))
        self.history_ttl = int(options.get("history_ttl", 24 * 3600))
        if self.history_size < 0 or self.history_ttl <= 0:
            raise ImproperlyConfigured(
                f"BROADCAST OPTIONS 'history' ({self.history_size}) must be 0 (off) or more, and "
                f"'history_ttl' ({self.history_ttl}) more than 0 seconds."
            )
        self.supports_history = self.history_size > 0
        self._hub: Hub | None = None
        self._client: Any = None
        self._pubsub: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._confirmations: dict[bytes, asyncio.Future[None]] = {}
        self._script: Any = None
        self._pubsub_client: Any = None

    # -- lifecycle ------------------------------------------------------------------------

    async def start(self, hub: Hub) -> None:
        """Create the client (it connects on first use)."""
        redis = _import_redis()
        from redis.asyncio.retry import Retry
        from redis.backoff import ExponentialBackoff

        self._hub = hub
        self._client = redis.Redis.from_url(
            self.url,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), 2),
            health_check_interval=30,
        )
        self._script = self._client.register_script(_PUBLISH_WITH_HISTORY)

    async def stop(self) -> None:
        """Stop the reader and close both connections."""
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
            self._reader = None
        await self._close_pubsub()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # -- subscribing ----------------------------------------------------------------------

    def _key(self, channel: str) -> bytes:
        return (self.prefix + channel).encode()

    async def listen(self, channel: str) -> None:
        """Subscribe to *channel*; return once Redis confirmed it."""
        if self._reader is None:
            await self._connect()
            self._reader = asyncio.get_running_loop().create_task(self._read())
            return
        if self._pubsub is None:
            return  # reconnecting: the channel is subscribed then, with a gap event
        key = self._key(channel)
        waiter = self._confirmations[key] = asyncio.get_running_loop().create_future()
        try:
            await self._pubsub.subscribe(key)
            await asyncio.wait_for(waiter, timeout=30)
        except self._errors() as exc:
            raise self._failure("subscribe to", channel, exc) from exc
        finally:
            self._confirmations.pop(key, None)

    async def unlisten(self, channel: str) -> None:
        """Unsubscribe from *channel*."""
        if self._pubsub is not None:
            await self._pubsub.unsubscribe(self._key(channel))

    async def _connect(self) -> None:
        """Open a pub/sub connection subscribed to every channel the hub needs."""
        assert self._hub is not None and self._client is not None
        redis = _import_redis()
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        # No automatic retry: a broken connection must surface here to send the gap event.
        client = redis.Redis.from_url(
            self.url, retry=Retry(NoBackoff(), 0), health_check_interval=30
        )
        pubsub = client.pubsub()
        keys = [self._key(channel) for channel in self._hub.listened()]
        try:
            await pubsub.subscribe(*keys)
            pending = set(keys)
            while pending:
                message = await asyncio.wait_for(pubsub.get_message(timeout=None), 30)
                if message and message["type"] == "subscribe":
                    pending.discard(message["channel"])
        except BaseException as exc:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
                await client.aclose()
            if isinstance(exc, self._errors()):
                raise self._failure("subscribe to", ", ".join(self._hub.listened()), exc) from exc
            raise
        self._pubsub = pubsub
        self._pubsub_client = client

    async def _close_pubsub(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
            with contextlib.suppress(Exception):
                await self._pubsub_client.aclose()

    async def _read(self) -> None:
        """Deliver messages to the hub; on a broken connection, reconnect and report a gap."""
        assert self._hub is not None
        prefix = len(self.prefix.encode())
        while True:
            try:
                message = await self._pubsub.get_message(timeout=None)
            except self._errors() as exc:
                logger.warning("Broadcast lost its Redis connection (%s); reconnecting", exc)
                for waiter in self._confirmations.values():  # subscribed again on reconnect
                    if not waiter.done():
                        waiter.set_result(None)
                await self._close_pubsub()
                await reconnect(self._connect, f"Redis at {_display(self.url)}")
                self._hub.gap()
                continue
            if message is None:
                continue
            kind, key = message["type"], message["channel"]
            if kind == "message":
                event_id, _, payload = message["data"].partition(b"\n")
                channel = key[prefix:].decode()
                self._hub.deliver(channel, payload, event_id.decode() or None)
            elif kind == "subscribe":
                confirmation = self._confirmations.get(key)
                if confirmation is not None and not confirmation.done():
                    confirmation.set_result(None)

    # -- publishing and history -----------------------------------------------------------

    async def publish(self, channel: str, payload: str) -> str | None:
        """Publish *payload* (and append it to the history); return the stream id or None."""
        key = self._key(channel)
        try:
            if not self.history_size:
                await self._client.publish(key, b"\n" + payload.encode())
                return None
            event_id = await self._script(
                keys=[key], args=[self.history_size, payload, self.history_ttl]
            )
        except self._errors() as exc:
            raise self._failure("publish to", channel, exc) from exc
        return event_id.decode() if isinstance(event_id, bytes) else str(event_id)

    async def history(self, channel: str, after: str) -> tuple[list[Event], bool]:
        """Return the events after *after*, and whether none between them were trimmed."""
        position = stream_position(after)
        if not self.history_size:
            return [], True
        if position is None:  # not an id this backend gave out: what was missed is unknown
            return [], False
        key = self._key(channel)
        try:
            entries = await self._client.xrange(key, min=f"({after}", count=self.history_size)
            info = await self._stream_info(key)
        except self._errors() as exc:
            raise self._failure("read the history of", channel, exc) from exc
        events = [
            Event(channel, decode_message(fields[b"m"]), entry_id.decode())
            for entry_id, fields in entries
        ]
        return events, info is not None and not _lost_after(info, position)

    async def _stream_info(self, key: bytes) -> dict[str, Any] | None:
        redis = _import_redis()
        try:
            raw = await self._client.xinfo_stream(key)
        except redis.ResponseError:
            return None  # no such stream: expired, or Redis lost its data
        pairs = raw if isinstance(raw, dict) else dict(zip(raw[::2], raw[1::2], strict=True))
        return {
            (k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v)
            for k, v in pairs.items()
        }

    # -- errors ---------------------------------------------------------------------------

    @staticmethod
    def _errors() -> tuple[type[BaseException], ...]:
        redis = _import_redis()
        return (OSError, TimeoutError, redis.ConnectionError, redis.TimeoutError)

    def _failure(self, action: str, channel: str, exc: BaseException) -> BroadcastError:
        return BroadcastError(
            f"Could not {action} broadcast channel {channel!r}: Redis at "
            f"{_display(self.url)} is unreachable ({exc or type(exc).__name__})."
        )
