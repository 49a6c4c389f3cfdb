"""``manage.py cache clear [ALIAS]``: empty one cache of CACHES, or all of them."""

from __future__ import annotations

import click

__all__ = ["cache"]


@click.group()
def cache() -> None:
    """Manage the caches of CACHES."""


@cache.command("clear")
@click.argument("alias", required=False)
async def clear(alias: str | None) -> None:
    """Delete every entry of the cache ALIAS (default: every alias).

    A cache with a KEY_PREFIX loses only its own keys; Redis without one is emptied with
    FLUSHDB.
    """
    from framework.cache import caches
    from framework.console import get_console

    aliases = [alias] if alias else caches.aliases()
    for name in aliases:
        backend = caches[name]
        await backend.aclear()
        get_console().print(f"Cleared cache {name!r} ({backend.config.short_name}).")
