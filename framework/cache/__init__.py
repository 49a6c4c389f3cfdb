"""Caches: ``cache``/``caches`` (CACHES), ``@cached`` for functions, ``@cache_page`` for routes.

::

    from framework.cache import cache, caches, cache_page, cached

    await cache.aset("greeting", "hello", timeout=60)
    await cache.aget("greeting")            # "hello"; None once expired
    await caches["sessions"].aincr("hits")  # another alias of CACHES

Backends: ``locmem`` (default), ``redis``, ``database`` (``framework.contrib.cache``) and
``dummy``. ``cache_page`` is loaded on first use, so importing this package does not import
the web layer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from framework.cache.base import (
    DEFAULT,
    MAX_KEY_LENGTH,
    BaseCache,
    CacheError,
    CacheUnavailableError,
)
from framework.cache.config import BACKENDS, DEFAULT_ALIAS, DEFAULT_TIMEOUT, CacheConfig
from framework.cache.decorators import cached
from framework.cache.registry import CacheHandler, cache, caches

if TYPE_CHECKING:
    from framework.cache.pages import cache_page

__all__ = [
    "BACKENDS",
    "DEFAULT",
    "DEFAULT_ALIAS",
    "DEFAULT_TIMEOUT",
    "MAX_KEY_LENGTH",
    "BaseCache",
    "CacheConfig",
    "CacheError",
    "CacheHandler",
    "CacheUnavailableError",
    "cache",
    "cache_page",
    "cached",
    "caches",
]


def __getattr__(name: str) -> Any:
    if name == "cache_page":
        return importlib.import_module("framework.cache.pages").cache_page
    raise AttributeError(f"module 'framework.cache' has no attribute {name!r}")
