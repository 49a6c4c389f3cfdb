"""Testing helpers: test clients, a live server and the pytest plugin's fixtures."""

from __future__ import annotations

from framework.testing.clients import (
    AsyncClient,
    LifespanManager,
    TestClient,
    WebSocketSession,
    default_base_url,
)

__all__ = ["AsyncClient", "LifespanManager", "TestClient", "WebSocketSession", "default_base_url"]
