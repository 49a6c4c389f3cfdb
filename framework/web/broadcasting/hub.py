"""Fan-out inside one process: each subscriber's bounded queue, and the channels listened to.

One :class:`Hub` per broadcast backend and event loop holds the local subscribers of every
channel. The backend listens once per channel, however many local subscribers it has, and
hands each message to :meth:`Hub.deliver`, which decodes it once and offers it to every
subscriber's queue without waiting. A queue that is full means a subscriber that cannot keep
up: it is dropped (logged, and its iterator raises :class:`SlowSubscriberError`) rather than
slowing the others or growing without bound.

Leaving a subscription never awaits (it may run inside a cancelled task); the backend stops
listening to an abandoned channel in a task of its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Protocol

from framework.web.broadcasting.errors import BroadcastError, SlowSubscriberError
from framework.web.broadcasting.events import GAP, Event, decode_message, stream_position

__all__ = ["BroadcastBackend", "Hub", "Subscription", "reconnect"]

logger = logging.getLogger("framework.web.broadcast")

#: Seconds to wait before each reconnection attempt (the last one repeats).
RECONNECT_DELAYS = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0)


async def reconnect(connect: Callable[[], Awaitable[None]], server: str) -> None:
    """Call *connect* with backoff until it succeeds; log the first failures and success."""
    attempt = 0
    while True:
        await asyncio.sleep(RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)])
        attempt += 1
        try:
            await connect()
        except BroadcastError as exc:
            if attempt == 1 or attempt % 30 == 0:
                logger.warning("Broadcast cannot reach %s yet: %s", server, exc)
            continue
        logger.warning("Broadcast reconnected to %s", server)
        return


class BroadcastBackend(Protocol):
    """What a backend does; the hub calls it, never the handlers."""

    #: Whether :meth:`history` can replay events after an id (``Last-Event-ID``).
    supports_history: bool

    async def start(self, hub: Hub) -> None:
        """Prepare to deliver messages to *hub* (no subscription yet)."""

    async def stop(self) -> None:
        """Stop listening and close every connection."""

    async def listen(self, channel: str) -> None:
        """Start receiving *channel*; return once messages published from now on arrive."""

    async def unlisten(self, channel: str) -> None:
        """Stop receiving *channel*."""

    async def publish(self, channel: str, payload: str) -> str | None:
        """Send *payload* (JSON text) to every subscriber of *channel*; return its id."""

    async def history(self, channel: str, after: str) -> tuple[list[Event], bool]:
        """Return the events after id *after*, and whether none between were lost."""


class Subscription:
    """The events of one channel for one subscriber: ``async for event in events``."""

    def __init__(self, channel: str, max_queue: int) -> None:
        self.channel = channel
        self.max_queue = max_queue
        self._items: deque[Event] = deque()
        self._ready = asyncio.Event()
        self._dropped = False
        self._closed = False
        #: Live events at or before this stream position were already replayed.
        self._replayed_to: tuple[int, int] | None = None

    def __repr__(self) -> str:
        return f"<Subscription {self.channel!r} {len(self._items)} waiting>"

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Event:
        while not self._items:
            if self._dropped:
                raise SlowSubscriberError(
                    f"The subscriber of {self.channel!r} was disconnected: more than "
                    f"{self.max_queue} events were waiting (BROADCAST OPTIONS 'max_queue')."
                )
            if self._closed:
                raise StopAsyncIteration
            self._ready.clear()
            await self._ready.wait()
        return self._items.popleft()

    @property
    def dropped(self) -> bool:
        """Return whether the subscriber was disconnected for being too slow."""
        return self._dropped

    def offer(self, event: Event) -> None:
        """Queue *event* without waiting; drop the subscriber when its queue is full."""
        if self._dropped or self._closed:
            return
        if self._replayed_to is not None and event.id is not None:
            position = stream_position(event.id)
            if position is not None and position <= self._replayed_to:
                return  # already delivered by the replay
        if len(self._items) >= self.max_queue:
            self._drop()
            return
        self._items.append(event)
        self._ready.set()

    def replay(self, events: Iterable[Event], complete: bool) -> None:
        """Put replayed *events* (and a gap when some were lost) before the live ones."""
        replayed = list(events)
        if not complete:
            replayed.insert(0, Event(self.channel, type=GAP))
        positions = [stream_position(event.id) for event in replayed]
        last = max((p for p in positions if p is not None), default=None)
        live = [
            event
            for event in self._items
            if last is None or (stream_position(event.id) or (0, 0)) > last
        ]
        self._items = deque([*replayed, *live])
        self._replayed_to = last
        if self._items:
            self._ready.set()

    def close(self) -> None:
        """End the iteration (the subscription was left)."""
        self._closed = True
        self._items.clear()
        self._ready.set()

    def _drop(self) -> None:
        logger.warning(
            "Broadcast subscriber of %r disconnected: it fell %d events behind (the limit is "
            "BROADCAST OPTIONS 'max_queue').",
            self.channel,
            len(self._items),
        )
        self._dropped = True
        self._items.clear()
        self._ready.set()


class Hub:
    """The local subscribers of one backend on one event loop."""

    def __init__(self, backend: BroadcastBackend, max_queue: int, config: Any = None) -> None:
        self.backend = backend
        self.max_queue = max_queue
        #: The configuration the backend was made from (a new one replaces the hub).
        self.config = config
        self.loop = asyncio.get_running_loop()
        self.channels: dict[str, set[Subscription]] = {}
        self._listening: set[str] = set()
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[Any]] = set()

    async def add(self, channel: str) -> Subscription:
        """Return a new subscription to *channel*, live once this returns."""
        subscription = Subscription(channel, self.max_queue)
        self.channels.setdefault(channel, set()).add(subscription)
        try:
            async with self._lock:
                if channel not in self._listening:
                    await self.backend.listen(channel)
                    self._listening.add(channel)
        except BaseException:
            self.remove(subscription)
            raise
        return subscription

    def remove(self, subscription: Subscription) -> None:
        """Forget *subscription*; stop listening to its channel (later) if it was the last."""
        subscription.close()
        subscribers = self.channels.get(subscription.channel)
        if subscribers is None:
            return
        subscribers.discard(subscription)
        if not subscribers:
            del self.channels[subscription.channel]
            task = self.loop.create_task(self._unlisten(subscription.channel))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _unlisten(self, channel: str) -> None:
        async with self._lock:
            if channel in self.channels or channel not in self._listening:
                return
            self._listening.discard(channel)
            try:
                await self.backend.unlisten(channel)
            except Exception:  # the connection is gone: nothing is listened to any more
                logger.debug("Could not stop listening to %r", channel, exc_info=True)

    def deliver(self, channel: str, payload: str | bytes, event_id: str | None = None) -> None:
        """Decode *payload* once and offer it to every local subscriber of *channel*."""
        subscribers = self.channels.get(channel)
        if not subscribers:
            return
        try:
            event = Event(channel, decode_message(payload), event_id)
        except ValueError:
            logger.warning("Ignored a broadcast message on %r that is not JSON", channel)
            return
        for subscription in list(subscribers):
            subscription.offer(event)

    def gap(self) -> None:
        """Tell every local subscriber that messages may have been lost (after a reconnect)."""
        for channel, subscribers in list(self.channels.items()):
            event = Event(channel, type=GAP)
            for subscription in list(subscribers):
                subscription.offer(event)

    def listened(self) -> list[str]:
        """Return the channels the backend should be listening to now."""
        return sorted(self.channels)

    async def stop(self) -> None:
        """End every subscription and stop the backend."""
        for subscribers in list(self.channels.values()):
            for subscription in list(subscribers):
                subscription.close()
        self.channels.clear()
        self._listening.clear()
        for task in list(self._tasks):
            task.cancel()
        await self.backend.stop()
