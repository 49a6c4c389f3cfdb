"""``setup()``: what every entry point (manage.py, asgi.py, the test plugin) does first."""

from __future__ import annotations

__all__ = ["setup"]


def setup() -> None:
    """Load settings and populate the app registry, so errors surface in that order."""
    from framework.apps import apps
    from framework.conf import settings

    settings.wrapped  # noqa: B018 - load settings first so their errors come first
    apps.populate()
