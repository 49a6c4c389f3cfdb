"""The ``postgres`` backend: LISTEN/NOTIFY on a PostgreSQL database of ``DATABASES``.

No new server to run when the project already has PostgreSQL. One listening connection per
process (per event loop) runs ``LISTEN`` once per channel with local subscribers. asyncpg
does not reconnect by itself: this backend notices a lost connection (a termination
callback, and a ``SELECT 1`` every ``keepalive`` seconds for connections that die silently),
reconnects with backoff, listens again and sends every local subscriber a ``gap`` event.

A channel name becomes a PostgreSQL identifier through a hash (any text works, however
long). PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; :meth:`publish` refuses
them first with a message that says what to do (send an id, or use ``redis``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Mapping
from typing import Any

from framework.exceptions import ImproperlyConfigured, MissingDependencyError
from framework.web.broadcasting.errors import BroadcastError
from framework.web.broadcasting.events import Event
from framework.web.broadcasting.hub import Hub, reconnect

__all__ = ["MAX_PAYLOAD_BYTES", "PostgresBackend"]

logger = logging.getLogger("framework.web.broadcast")

#: NOTIFY payloads must be shorter than 8000 bytes.
MAX_PAYLOAD_BYTES = 7999


def _import_asyncpg() -> Any:
    try:
        import asyncpg
    except ImportError as exc:
        raise MissingDependencyError(
            "asyncpg", "postgres", "the postgres broadcast backend"
        ) from exc
    return asyncpg


def pg_channel(channel: str) -> str:
    """Return the PostgreSQL channel (an identifier: letters, digits) for *channel*."""
    return "fwb_" + hashlib.sha256(channel.encode()).hexdigest()[:40]


class PostgresBackend:
    """LISTEN/NOTIFY on the database alias ``OPTIONS["database"]`` (``"default"``)."""

    supports_history = False
    option_names = frozenset({"database", "keepalive"})

    def __init__(self, location: str = "", options: Mapping[str, Any] | None = None) -> None:
        options = dict(options or {})
        if location:
            raise ImproperlyConfigured(
                f"BROADCAST['LOCATION'] is {location!r}, but the postgres backend uses a "
                "database of DATABASES: remove LOCATION and name the alias in "
                "OPTIONS={'database': 'default'}."
            )
        self.alias = str(options.get("database", "default"))
        self.keepalive = float(options.get("keepalive", 10))
        self._hub: Hub | None = None
        self._dsn = ""
        self._display = ""
        self._listener: Any = None
        self._publisher: Any = None
        self._publish_lock = asyncio.Lock()
        self._watchdog: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()
        self._channels: dict[str, str] = {}  # PostgreSQL channel → channel

    async def start(self, hub: Hub) -> None:
        """Find the database of the alias (connections open on first use)."""
        _import_asyncpg()
        from framework.db.engines import engines

        config = engines.config(self.alias)
        if config.backend != "postgresql":
            raise ImproperlyConfigured(
                f"The postgres broadcast backend needs a PostgreSQL database, but the alias "
                f"{self.alias!r} is {config.backend}: point OPTIONS['database'] at a "
                "PostgreSQL alias of DATABASES, or use the redis or memory backend."
            )
        self._hub = hub
        self._dsn = config.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._display = config.display_url()

    async def stop(self) -> None:
        """Stop the watchdog and close both connections."""
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._watchdog
            self._watchdog = None
        for connection in (self._listener, self._publisher):
            if connection is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(connection.close(), 5)
        self._listener = self._publisher = None

    # -- listening ------------------------------------------------------------------------

    async def listen(self, channel: str) -> None:
        """LISTEN to *channel*; return once the server confirmed it."""
        name = pg_channel(channel)
        self._channels[name] = channel
        if self._watchdog is None:
            await self._connect_listener()
            self._watchdog = asyncio.get_running_loop().create_task(self._watch())
            return
        if self._listener is None:
            return  # reconnecting: LISTEN runs then, and a gap event follows
        try:
            await self._listener.add_listener(name, self._notified)
        except self._errors() as exc:
            self._lost.set()
            raise self._failure("subscribe to", channel, exc) from exc

    async def unlisten(self, channel: str) -> None:
        """UNLISTEN *channel*."""
        name = pg_channel(channel)
        self._channels.pop(name, None)
        if self._listener is not None:
            await self._listener.remove_listener(name, self._notified)

    def _notified(self, connection: Any, pid: int, name: str, payload: str) -> None:
        channel = self._channels.get(name)
        if channel is not None and self._hub is not None:
            self._hub.deliver(channel, payload)

    async def _connect_listener(self) -> None:
        asyncpg = _import_asyncpg()
        try:
            connection = await asyncpg.connect(self._dsn, timeout=10)
        except self._errors() as exc:
            raise self._failure("subscribe to", ", ".join(self._channels.values()), exc) from exc
        try:
            for name in list(self._channels):
                await connection.add_listener(name, self._notified)
        except self._errors() as exc:
            with contextlib.suppress(Exception):
                connection.terminate()
            raise self._failure("subscribe to", ", ".join(self._channels.values()), exc) from exc
        self._lost.clear()
        connection.add_termination_listener(lambda _connection: self._lost.set())
        self._listener = connection

    async def _watch(self) -> None:
        """Check the listening connection; reconnect and report a gap when it is lost."""
        assert self._hub is not None
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), self.keepalive)
            if not self._lost.is_set():
                try:
                    await asyncio.wait_for(self._listener.fetchval("SELECT 1"), self.keepalive)
                    continue
                except self._errors() as exc:
                    logger.warning("Broadcast's PostgreSQL connection does not answer (%s)", exc)
            else:
                logger.warning("Broadcast lost its PostgreSQL connection; reconnecting")
            listener, self._listener = self._listener, None
            if listener is not None:
                listener.terminate()
            await reconnect(self._connect_listener, f"PostgreSQL at {self._display}")
            self._hub.gap()

    # -- publishing -----------------------------------------------------------------------

    async def publish(self, channel: str, payload: str) -> str | None:
        """NOTIFY the channel's listeners with *payload*; refuse payloads PostgreSQL refuses."""
        size = len(payload.encode())
        if size > MAX_PAYLOAD_BYTES:
            raise BroadcastError(
                f"The message for broadcast channel {channel!r} is {size} bytes as JSON; "
                f"PostgreSQL NOTIFY carries at most {MAX_PAYLOAD_BYTES}. Publish a reference "
                "(an id the subscribers load) instead, or use the redis backend."
            )
        async with self._publish_lock:
            try:
                connection = await self._publishing_connection()
                await connection.execute("SELECT pg_notify($1, $2)", pg_channel(channel), payload)
            except self._errors() as exc:
                self._discard_publisher()
                raise self._failure("publish to", channel, exc) from exc
        return None

    async def _publishing_connection(self) -> Any:
        if self._publisher is not None and not self._publisher.is_closed():
            return self._publisher
        self._discard_publisher()
        self._publisher = await _import_asyncpg().connect(self._dsn, timeout=10)
        return self._publisher

    def _discard_publisher(self) -> None:
        publisher, self._publisher = self._publisher, None
        if publisher is not None:
            publisher.terminate()

    async def history(self, channel: str, after: str) -> tuple[list[Event], bool]:
        """Keep no history: a client that reconnects gets a gap."""
        return [], False

    # -- errors ---------------------------------------------------------------------------

    @staticmethod
    def _errors() -> tuple[type[BaseException], ...]:
        asyncpg = _import_asyncpg()
        return (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)

    def _failure(self, action: str, channel: str, exc: BaseException) -> BroadcastError:
        return BroadcastError(
            f"Could not {action} broadcast channel {channel!r}: PostgreSQL at {self._display} "
            f"failed ({exc or type(exc).__name__})."
        )
