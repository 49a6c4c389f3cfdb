"""``setup()``: what every entry point (manage.py, asgi.py, the test plugin) does first."""

from __future__ import annotations

__all__ = ["setup"]


def setup() -> None:
    """Load settings, configure logging, populate the app registry (errors in that order).

    Logging is configured once per process, from LOG_LEVEL, LOG_FORMAT and LOGGING (not
    under pytest, which keeps its own).
    """
    from framework.apps import apps
    from framework.conf import settings
    from framework.logging import ensure_logging

    settings.wrapped  # noqa: B018 - load settings first so their errors come first
    ensure_logging()
    apps.populate()
