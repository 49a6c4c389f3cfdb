"""psycopg connection strings for workers, from the ``DATABASES`` entry the web uses.

The alias's URL is SQLAlchemy's (``postgresql+asyncpg://...``); libpq reads a plain
``postgresql://`` URI whose query holds libpq parameters only. asyncpg's ``ssl=`` becomes
libpq's ``sslmode=``; other asyncpg-only parameters are left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from framework.db import DatabaseConfig

__all__ = ["conninfo", "is_connection_error"]

_LIBPQ_PARAMETERS = frozenset(
    {
        "application_name",
        "connect_timeout",
        "options",
        "sslcert",
        "sslkey",
        "sslmode",
        "sslrootcert",
        "target_session_attrs",
        "host",
        "port",
        "passfile",
        "keepalives",
        "keepalives_idle",
    }
)


def conninfo(config: DatabaseConfig) -> str:
    """Return the libpq URI of a PostgreSQL alias (password included)."""
    query = {key: value for key, value in config.url.query.items() if key in _LIBPQ_PARAMETERS}
    ssl = config.url.query.get("ssl")
    if isinstance(ssl, str) and "sslmode" not in query:
        query["sslmode"] = ssl
    url = config.url.set(drivername="postgresql", query=query)
    return url.render_as_string(hide_password=False)


def is_connection_error(error: BaseException) -> bool:
    """Return whether *error* means the database could not be reached (or went away)."""
    import psycopg
    import psycopg_pool

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(
            current,
            (
                psycopg.OperationalError,
                psycopg.InterfaceError,
                psycopg_pool.PoolTimeout,
                ConnectionError,
                OSError,
            ),
        ):
            return True
        current = current.__cause__ or current.__context__
    return False
