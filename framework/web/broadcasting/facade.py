"""``Broadcast``: publish to a channel from any worker, subscribe from any other.

::

    from framework.web import broadcast

    await broadcast.publish("room:1", {"text": "hi"})
    async with broadcast.subscribe("room:1") as events:
        async for event in events:
            ...

``broadcast`` follows the ``BROADCAST`` setting (re-read when the settings change, as in
tests); ``Broadcast({...})`` makes one for an explicit configuration. Connections are opened
per event loop on first use and closed by :func:`framework.runtime.run_cleanups` (the app's
lifespan awaits it), so a server, a command and a test each use their own.

Delivery is **at-most-once**: a subscriber receives what is published while it is subscribed
and connected. After the backend's connection is lost and restored every subscriber gets an
event of type ``"gap"``; a subscriber that cannot keep up is disconnected
(:class:`~framework.web.broadcasting.errors.SlowSubscriberError`).
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from framework.web.broadcasting.config import BroadcastConfig, load_broadcast_config
from framework.web.broadcasting.events import encode_message
from framework.web.broadcasting.hub import Hub, Subscription

__all__ = ["Broadcast", "broadcast"]

_MAX_CHANNEL = 256


def check_channel(channel: str) -> str:
    """Return *channel* if it is a usable name; refuse empty, long or control characters."""
    if not isinstance(channel, str) or not channel or len(channel) > _MAX_CHANNEL:
        raise ValueError(
            f"A broadcast channel is a non-empty string of at most {_MAX_CHANNEL} characters "
            f"such as 'room:1'; got {channel!r}."
        )
    if any(ord(character) < 32 for character in channel):
        raise ValueError(f"The broadcast channel {channel!r} contains control characters.")
    return channel


class Broadcast:
    """Publish and subscribe through the backend of *config* (``None``: ``BROADCAST``)."""

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self._explicit = None if config is None else load_broadcast_config(config)
        self._settings: Any = None
        self._config: BroadcastConfig | None = self._explicit
        self._lock = threading.Lock()
        self._hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task[Hub]] = (
            weakref.WeakKeyDictionary()
        )

    def __repr__(self) -> str:
        config = self._config
        return f"<Broadcast {config.backend if config else 'BROADCAST'}>"

    @property
    def config(self) -> BroadcastConfig:
        """Return the configuration in force (the setting, re-read when settings change)."""
        if self._explicit is not None:
            return self._explicit
        from framework.conf import settings

        current = settings.wrapped
        if current is not self._settings or self._config is None:
            with self._lock:
                if current is not self._settings or self._config is None:
                    self._config = load_broadcast_config(current.BROADCAST)
                    self._settings = current
        return self._config

    async def publish(self, channel: str, message: Any) -> str | None:
        """Send *message* (a JSON value) to every subscriber of *channel*, in every process.

        Return the event id when the backend keeps history, else None. A backend that cannot
        be reached raises ``BroadcastError``; nothing is queued for later.
        """
        check_channel(channel)
        payload = encode_message(message)
        hub = await self._hub()
        return await hub.backend.publish(channel, payload)

    @asynccontextmanager
    async def subscribe(
        self, channel: str, *, last_event_id: str | None = None
    ) -> AsyncIterator[Subscription]:
        """Receive the events of *channel* inside the block: ``async for event in events``.

        Messages published once the block has started are delivered. With *last_event_id*
        (an SSE client's ``Last-Event-ID``) and a backend that keeps history, the events
        after it come first; a ``gap`` event comes first when some of them are gone.
        """
        hub = await self._hub()
        subscription = await hub.add(check_channel(channel))
        try:
            if last_event_id:
                events, complete = await hub.backend.history(channel, last_event_id)
                subscription.replay(events, complete)
            yield subscription
        finally:
            hub.remove(subscription)

    async def aclose(self) -> None:
        """Close this loop's connections and end its subscriptions."""
        with self._lock:
            task = self._hubs.pop(asyncio.get_running_loop(), None)
        if task is not None and (not task.done() or _started(task)):
            try:
                hub = await task
            except Exception:
                return  # it never started: nothing to close
            await hub.stop()

    async def _hub(self) -> Hub:
        """Return this loop's hub for the configuration in force, starting it once."""
        loop = asyncio.get_running_loop()
        config = self.config
        with self._lock:  # loops in other threads use the same mapping
            task = self._hubs.get(loop)
            if task is not None and _started(task) and task.result().config is config:
                return task.result()
            if task is None or task.done():
                task = loop.create_task(self._start(config, task))
                self._hubs[loop] = task
        return await asyncio.shield(task)

    async def _start(self, config: BroadcastConfig, previous: asyncio.Task[Hub] | None) -> Hub:
        from framework.runtime import register_cleanup

        if previous is not None and _started(previous):
            await previous.result().stop()  # the settings changed: close the old backend
        hub = Hub(config.create_backend(), config.max_queue, config)
        await hub.backend.start(hub)
        register_cleanup(self.aclose)
        return hub


def _started(task: asyncio.Task[Hub]) -> bool:
    """Return whether *task* has finished making its hub (not failed, not cancelled)."""
    return task.done() and not task.cancelled() and task.exception() is None


#: The project's broadcast, configured by ``BROADCAST``.
broadcast = Broadcast()
