"""The database cache: an installable app (label ``cache``) whose table holds cache entries.

Add ``"framework.contrib.cache"`` to INSTALLED_APPS, run ``manage.py db-upgrade`` (the
``cache_entry`` table comes through the app's migration), and name the backend::

    CACHES = {"default": {"BACKEND": "database"}}

A shared cache for projects with a database but no Redis: every process and host that uses
the database sees the same entries, counters and rate limits.
"""

from __future__ import annotations

__all__: list[str] = []
