"""Fallback ASGI entry point for projects without ``<project>/asgi.py``."""

from __future__ import annotations

from framework.web.project import get_asgi_application

__all__ = ["app"]

app = get_asgi_application()
