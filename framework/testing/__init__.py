"""Testing helpers: test clients, a live server and the pytest plugin's fixtures."""

from __future__ import annotations

from framework.testing.clients import (
    AsyncClient,
    LifespanManager,
    TestClient,
    WebSocketSession,
    default_base_url,
)
from framework.testing.fixtures import SettingsFixture
from framework.testing.server import live_server
from framework.testing.tasks import QueueBackend, TaskQueue

__all__ = [
    "AsyncClient",
    "LifespanManager",
    "QueueBackend",
    "SettingsFixture",
    "TaskQueue",
    "TestClient",
    "WebSocketSession",
    "default_base_url",
    "live_server",
]
