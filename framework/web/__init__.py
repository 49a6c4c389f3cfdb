"""The web layer: ``App`` and the project's ASGI application."""

from __future__ import annotations

from framework.web.app import App, get_asgi_application

__all__ = ["App", "get_asgi_application"]
