"""System checks on CACHES, RATELIMIT_CACHE and LOGIN_THROTTLE (ids ``caches.E001``…).

``caches.W001`` is the deployment warning: a ``locmem`` cache with several worker processes
(``serve --workers N``, or WEB_CONCURRENCY) is one cache per process, so cached pages differ
between workers and rate limits, login throttling and Digest replay protection count per
process instead of for the site.
"""

from __future__ import annotations

import os
from typing import Any

from framework.checks import CheckMessage, Error, Warning, register
from framework.exceptions import ImproperlyConfigured

__all__ = [
    "check_cache_settings",
    "check_local_caches",
    "local_cache_warnings",
    "worker_count",
]


def worker_count() -> int:
    """Return the number of worker processes announced by WEB_CONCURRENCY (``serve`` sets it)."""
    try:
        return max(1, int(os.environ.get("WEB_CONCURRENCY", "1")))
    except ValueError:
        return 1


@register("caches")
def check_cache_settings(app_configs: Any = None) -> list[CheckMessage]:
    """Refuse a broken CACHES, an unknown RATELIMIT_CACHE or LOGIN_THROTTLE, a database
    cache without its app."""
    from framework.cache.config import BACKENDS, load_cache_configs
    from framework.cache.throttles import is_rate
    from framework.conf import settings

    try:
        configs = load_cache_configs(settings.CACHES)
    except ImproperlyConfigured as exc:
        return [Error(str(exc), "Fix CACHES in the settings.", "caches.E001")]
    messages: list[CheckMessage] = []
    uses_database = any(config.backend == BACKENDS["database"] for config in configs.values())
    if uses_database and "framework.contrib.cache" not in settings.INSTALLED_APPS:
        messages.append(
            Error(
                "A cache uses the 'database' backend but 'framework.contrib.cache' is not "
                "in INSTALLED_APPS, so its table is never created.",
                "Add 'framework.contrib.cache' to INSTALLED_APPS and run db-upgrade.",
                "caches.E002",
            )
        )
    alias = settings.RATELIMIT_CACHE
    if alias not in configs:
        messages.append(
            Error(
                f"RATELIMIT_CACHE {alias!r} is not an alias of CACHES "
                f"(known: {', '.join(map(repr, configs))}).",
                "Name one of the CACHES aliases.",
                "caches.E003",
            )
        )
    throttle = settings.LOGIN_THROTTLE
    if throttle and not is_rate(throttle):  # checked on every command: no import of limits
        messages.append(
            Error(
                f"LOGIN_THROTTLE {throttle!r} is not a rate.",
                "Write '5/minute', '10 per 2 hours' or several separated by ';'.",
                "caches.E004",
            )
        )
    return messages


@register("caches", deploy=True)
def check_local_caches(app_configs: Any = None) -> list[CheckMessage]:
    """Warn about each ``locmem`` cache when WEB_CONCURRENCY announces several workers."""
    return local_cache_warnings(worker_count())


def local_cache_warnings(workers: int) -> list[CheckMessage]:
    """Return ``caches.W001`` for each ``locmem`` cache when *workers* processes serve."""
    from framework.cache.config import BACKENDS, load_cache_configs
    from framework.conf import settings

    if workers < 2:
        return []
    try:
        configs = load_cache_configs(settings.CACHES)
    except ImproperlyConfigured:
        return []  # caches.E001 says it
    messages: list[CheckMessage] = []
    for alias, config in configs.items():
        if config.backend != BACKENDS["locmem"]:
            continue
        shared = " (RATELIMIT_CACHE: rate limits, login throttling, Digest replays)"
        uses = shared if alias == settings.RATELIMIT_CACHE else ""
        messages.append(
            Warning(
                f"CACHES[{alias!r}] is 'locmem' with {workers} worker processes: each "
                f"worker has its own copy{uses}.",
                "Use a shared backend: 'redis' (framework[redis]) or 'database' "
                "(framework.contrib.cache).",
                "caches.W001",
            )
        )
    return messages
