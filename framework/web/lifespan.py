"""The app's lifespan: what runs when the server starts and stops.

Startup, in order: the installed apps' ``on_startup`` hooks (a project's App), the App's own
``on_startup`` hooks, then the user's ``lifespan`` context. Shutdown in reverse: the user's
lifespan exits, the App's ``on_shutdown`` hooks (newest first; a failure is logged and the
others still run), background tasks drain (BACKGROUND_DRAIN), the apps' ``on_shutdown``
hooks, then the clean-ups registered on the event loop (database engines…).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from framework.web.background import BackgroundRunner
from framework.web.dispatcher import Lifespan
from framework.web.pipeline import ensure_async

__all__ = ["AppLifespan"]

logger = logging.getLogger("framework.web")


class AppLifespan:
    """The hooks of one App's lifespan, and the context manager that runs them."""

    def __init__(
        self,
        background: BackgroundRunner,
        drain: float | None,
        *,
        run_app_hooks: bool = False,
        user_lifespan: Lifespan | None = None,
    ) -> None:
        self.background = background
        self.drain = drain
        self.run_app_hooks = run_app_hooks
        self.user_lifespan = user_lifespan
        self.startup: list[Callable[..., Any]] = []
        self.shutdown: list[Callable[..., Any]] = []

    @contextlib.asynccontextmanager
    async def __call__(self, app: Any) -> AsyncIterator[Any]:
        """Run the startup hooks, yield the user's lifespan state, then shut down."""
        from framework.apps import apps
        from framework.runtime import run_cleanups

        if self.run_app_hooks:
            await apps.startup()
        try:
            for hook in self.startup:
                await ensure_async(hook)()
            if self.user_lifespan is not None:
                async with self.user_lifespan(app) as state:
                    yield state
            else:
                yield None
        finally:
            for hook in reversed(self.shutdown):
                try:
                    await ensure_async(hook)()
                except Exception:
                    logger.exception("Shutdown hook %r failed", hook)
            await self.background.drain(self.drain)
            if self.run_app_hooks:
                await apps.shutdown()
            await run_cleanups()
