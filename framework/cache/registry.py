"""``caches``: one backend per ``CACHES`` alias; ``cache``: the ``default`` alias.

Backends are created on first use and kept until ``CACHES`` changes (a test's
``settings.override``): a backend's connections are per event loop, so one object serves
the server, a command and a test alike.
"""

from __future__ import annotations

import difflib
import threading
from typing import Any, cast

from framework.cache.base import BaseCache
from framework.cache.config import DEFAULT_ALIAS, CacheConfig, load_cache_configs
from framework.exceptions import ImproperlyConfigured

__all__ = ["CacheHandler", "DefaultCacheProxy", "cache", "caches", "create_cache"]


def create_cache(config: CacheConfig) -> BaseCache:
    """Return a new backend for *config* (its BACKEND imported now)."""
    from framework.module_loading import import_string

    backend = import_string(config.backend, setting=f"CACHES[{config.alias!r}]['BACKEND']")
    if not isinstance(backend, type) or not issubclass(backend, BaseCache):
        raise ImproperlyConfigured(
            f"CACHES[{config.alias!r}]['BACKEND'] {config.backend!r} is not a cache backend "
            "(a subclass of framework.cache.BaseCache)."
        )
    return backend(config)


class CacheHandler:
    """Map each alias of ``CACHES`` to its backend: ``caches["default"]``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings: Any = None
        self._configs: dict[str, CacheConfig] = {}
        self._backends: dict[str, BaseCache] = {}

    def configs(self) -> dict[str, CacheConfig]:
        """Return the parsed ``CACHES``, re-read whenever the settings object changes."""
        from framework.conf import settings

        current = settings.wrapped
        if current is self._settings:
            return self._configs
        with self._lock:
            if current is not self._settings:
                configs = load_cache_configs(current.CACHES)
                self._backends = {
                    alias: backend
                    for alias, backend in self._backends.items()
                    if configs.get(alias) == backend.config
                }
                self._configs = configs
                self._settings = current
            return self._configs

    def __getitem__(self, alias: str) -> BaseCache:
        configs = self.configs()
        backend = self._backends.get(alias)
        if backend is not None:
            return backend
        if alias not in configs:
            message = f"The cache alias {alias!r} is not in CACHES (known: "
            message += ", ".join(repr(name) for name in configs) + ")."
            close = difflib.get_close_matches(alias, list(configs), n=1)
            raise ImproperlyConfigured(message + (f" Did you mean {close[0]!r}?" if close else ""))
        with self._lock:
            backend = self._backends.get(alias)
            if backend is None:
                backend = self._backends[alias] = create_cache(configs[alias])
        return backend

    def __contains__(self, alias: object) -> bool:
        return alias in self.configs()

    def aliases(self) -> list[str]:
        """Return every configured alias."""
        return list(self.configs())

    def all(self) -> list[BaseCache]:
        """Return the backend of every alias (creating them)."""
        return [self[alias] for alias in self.configs()]


class DefaultCacheProxy:
    """Stand for ``caches["default"]``, whatever ``CACHES`` is when it is used."""

    def __getattr__(self, name: str) -> Any:
        return getattr(caches[DEFAULT_ALIAS], name)

    def __repr__(self) -> str:
        return f"<cache proxy for {caches[DEFAULT_ALIAS]!r}>"


#: Every configured cache, by alias.
caches = CacheHandler()
#: The ``default`` cache.
cache: BaseCache = cast(BaseCache, DefaultCacheProxy())
