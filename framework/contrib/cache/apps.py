"""The ``cache`` app's configuration."""

from __future__ import annotations

from framework.apps import AppConfig

__all__ = ["CacheConfig"]


class CacheConfig(AppConfig):
    """The ``cache_entry`` table of the ``database`` cache backend."""

    label = "cache"
    verbose_name = "Cache"
