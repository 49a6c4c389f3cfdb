"""``CACHES`` → one :class:`CacheConfig` per alias: backend, location, timeout, key options.

::

    CACHES = {
        "default": {"BACKEND": "redis", "LOCATION": "redis://127.0.0.1:6379/0"},
        "pages": {"BACKEND": "locmem", "TIMEOUT": 60, "KEY_PREFIX": "pages"},
    }

``BACKEND`` is a short name (``locmem``, ``redis``, ``database``, ``dummy``) or the dotted
path of a :class:`~framework.cache.base.BaseCache` subclass. A misspelt key or backend is an
:class:`~framework.exceptions.ImproperlyConfigured` error naming the alias and the key, with
"Did you mean …?" when a known name is close.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from framework.exceptions import ImproperlyConfigured

__all__ = ["BACKENDS", "DEFAULT_ALIAS", "DEFAULT_TIMEOUT", "CacheConfig", "load_cache_configs"]

DEFAULT_ALIAS = "default"
#: Seconds an entry lives when neither the call nor the alias says otherwise (Django's 300).
DEFAULT_TIMEOUT = 300
#: Short names of the built-in backends → their import paths.
BACKENDS = {
    "locmem": "framework.cache.locmem:LocMemCache",
    "redis": "framework.cache.redis:RedisCache",
    "database": "framework.contrib.cache.backend:DatabaseCache",
    "dummy": "framework.cache.dummy:DummyCache",
}
_KEYS = ("BACKEND", "LOCATION", "TIMEOUT", "KEY_PREFIX", "VERSION", "OPTIONS")


@dataclass(frozen=True)
class CacheConfig:
    """One alias of ``CACHES``, checked and with defaults filled in."""

    alias: str
    backend: str
    location: str = ""
    #: Seconds; None keeps entries until they are deleted or evicted.
    timeout: float | None = DEFAULT_TIMEOUT
    key_prefix: str = ""
    version: int = 1
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def short_name(self) -> str:
        """Return the backend's short name (``"redis"``), or its dotted path."""
        for name, path in BACKENDS.items():
            if path == self.backend:
                return name
        return self.backend


def _suggest(value: str, known: list[str]) -> str:
    close = difflib.get_close_matches(value, known, n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def _backend_path(alias: str, value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ImproperlyConfigured(
            f"CACHES[{alias!r}]['BACKEND'] must be one of {sorted(BACKENDS)} or a dotted path; "
            f"got {value!r}."
        )
    if value in BACKENDS:
        return BACKENDS[value]
    if "." not in value:
        raise ImproperlyConfigured(
            f"CACHES[{alias!r}]['BACKEND'] {value!r} is not a backend: use one of "
            f"{sorted(BACKENDS)} or a dotted path.{_suggest(value, list(BACKENDS))}"
        )
    return value


def _timeout(alias: str, value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ImproperlyConfigured(
            f"CACHES[{alias!r}]['TIMEOUT'] must be seconds (a number) or None; got {value!r}."
        )
    return value


def load_cache_config(alias: str, raw: Any) -> CacheConfig:
    """Return the :class:`CacheConfig` of one ``CACHES`` entry."""
    if not isinstance(raw, Mapping):
        raise ImproperlyConfigured(
            f"CACHES[{alias!r}] must be a dict such as {{'BACKEND': 'locmem'}}; got {raw!r}."
        )
    for key in raw:
        if key not in _KEYS:
            raise ImproperlyConfigured(
                f"CACHES[{alias!r}] has an unknown key {key!r} (known: {', '.join(_KEYS)})."
                + _suggest(str(key), list(_KEYS))
            )
    options = raw.get("OPTIONS") or {}
    version = raw.get("VERSION", 1)
    if not isinstance(options, Mapping):
        raise ImproperlyConfigured(f"CACHES[{alias!r}]['OPTIONS'] must be a dict; got {options!r}.")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ImproperlyConfigured(
            f"CACHES[{alias!r}]['VERSION'] must be an integer; got {version!r}."
        )
    return CacheConfig(
        alias=alias,
        backend=_backend_path(alias, raw.get("BACKEND", "locmem")),
        location=str(raw.get("LOCATION") or ""),
        timeout=_timeout(alias, raw.get("TIMEOUT", DEFAULT_TIMEOUT)),
        key_prefix=str(raw.get("KEY_PREFIX") or ""),
        version=version,
        options=dict(options),
    )


def load_cache_configs(caches: Any) -> dict[str, CacheConfig]:
    """Return a :class:`CacheConfig` per alias of *caches* (the ``CACHES`` setting)."""
    if not isinstance(caches, Mapping):
        raise ImproperlyConfigured(
            f"CACHES must be a dict of alias → options, such as "
            f"{{'default': {{'BACKEND': 'locmem'}}}}; got {caches!r}."
        )
    if DEFAULT_ALIAS not in caches:
        raise ImproperlyConfigured(
            "CACHES has no 'default' alias: add one, e.g. {'default': {'BACKEND': 'locmem'}}."
        )
    return {str(alias): load_cache_config(str(alias), raw) for alias, raw in caches.items()}
