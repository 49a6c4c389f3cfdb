"""The ``memory`` backend: every subscriber in this process, none in any other.

The zero-setup default, right for one process (``runserver``, tests, ``serve`` with one
worker). Hubs on other event loops of the process (a server in a thread, a test client)
receive messages through ``call_soon_threadsafe``. With several workers or hosts a message
reaches only the subscribers of the worker that published it: use ``redis`` or
``postgres`` there (``check --deploy`` says so).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Mapping
from typing import Any

from framework.web.broadcasting.events import Event
from framework.web.broadcasting.hub import Hub

__all__ = ["MemoryBackend"]

#: Namespace (LOCATION) → the hubs of this process listening there, per channel.
_namespaces: dict[str, dict[str, set[Hub]]] = {}
_lock = threading.Lock()


class MemoryBackend:
    """Deliver within this process; LOCATION names a namespace (default ``""``)."""

    supports_history = False
    option_names: frozenset[str] = frozenset()

    def __init__(self, location: str = "", options: Mapping[str, Any] | None = None) -> None:
        self.namespace = location or ""
        self._hub: Hub | None = None

    async def start(self, hub: Hub) -> None:
        """Remember the hub messages go to."""
        self._hub = hub

    async def stop(self) -> None:
        """Stop receiving every channel."""
        hub = self._hub
        if hub is None:
            return
        with _lock:
            channels = _namespaces.get(self.namespace, {})
            for hubs in channels.values():
                hubs.discard(hub)

    async def listen(self, channel: str) -> None:
        """Receive *channel* from now on."""
        assert self._hub is not None
        with _lock:
            _namespaces.setdefault(self.namespace, {}).setdefault(channel, set()).add(self._hub)

    async def unlisten(self, channel: str) -> None:
        """Stop receiving *channel*."""
        assert self._hub is not None
        with _lock:
            channels = _namespaces.get(self.namespace, {})
            hubs = channels.get(channel)
            if hubs is not None:
                hubs.discard(self._hub)
                if not hubs:
                    del channels[channel]

    async def publish(self, channel: str, payload: str) -> str | None:
        """Hand *payload* to every hub of the process listening to *channel*."""
        with _lock:
            hubs = list(_namespaces.get(self.namespace, {}).get(channel, ()))
        running = asyncio.get_running_loop()
        for hub in hubs:
            if hub.loop is running:
                hub.deliver(channel, payload)
            else:
                with contextlib.suppress(RuntimeError):  # that loop has just closed
                    hub.loop.call_soon_threadsafe(hub.deliver, channel, payload)
        return None

    async def history(self, channel: str, after: str) -> tuple[list[Event], bool]:
        """Keep no history: nothing to replay."""
        return [], True
