"""Read ``DATABASES`` into one :class:`DatabaseConfig` per alias, checked and normalised.

Entries are a URL string or ``{"URL": ..., "OPTIONS": {...}, "PRAGMAS": {...}}``. Sync
driver names are replaced by the async driver the framework uses (``sqlite://`` becomes
``sqlite+aiosqlite://``, ``postgresql://`` becomes ``postgresql+asyncpg://``) and relative
SQLite paths are made relative to ``BASE_DIR`` rather than to the current directory.
``OPTIONS`` go to SQLAlchemy's ``create_async_engine``, except ``transaction_mode`` (SQLite
only, as in Django 5.1): how SQLite transactions begin, ``IMMEDIATE`` unless set.
Reading the configuration does no IO: engines are created later, on first use.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from framework.exceptions import ImproperlyConfigured, MissingDependencyError

__all__ = [
    "DEFAULT_ALIAS",
    "SQLITE_PRAGMAS",
    "TRANSACTION_MODES",
    "DatabaseConfig",
    "load_database_configs",
]

DEFAULT_ALIAS = "default"

#: Set on every new SQLite connection; ``PRAGMAS`` in a ``DATABASES`` entry overrides them.
#: WAL lets readers work during a write, ``busy_timeout`` (milliseconds) makes a writer wait
#: for the lock instead of failing at once, and SQLite leaves foreign keys off unless asked.
SQLITE_PRAGMAS: dict[str, Any] = {
    "journal_mode": "WAL",
    "foreign_keys": "ON",
    "busy_timeout": 5000,
}

#: How a SQLite transaction may begin (``BEGIN <mode>``). IMMEDIATE takes the write lock at
#: once, so a transaction that reads and then writes waits for the lock (``busy_timeout``)
#: instead of failing with "database is locked" when another write happened in between.
TRANSACTION_MODES = ("DEFERRED", "IMMEDIATE", "EXCLUSIVE")
DEFAULT_TRANSACTION_MODE = "IMMEDIATE"

_ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
_BACKEND_ALIASES = {"postgres": "postgresql", "sqlite3": "sqlite"}
_KNOWN_KEYS = {"URL", "OPTIONS", "PRAGMAS"}


@dataclass(frozen=True)
class DatabaseConfig:
    """One database alias: its URL (async driver, absolute SQLite path) and engine options."""

    alias: str
    url: URL
    options: Mapping[str, Any] = field(default_factory=dict)
    pragmas: Mapping[str, Any] = field(default_factory=dict)
    #: ``BEGIN`` mode of SQLite transactions (None for other databases).
    transaction_mode: str | None = None

    @property
    def backend(self) -> str:
        """Return the backend name: ``"sqlite"`` or ``"postgresql"``."""
        return self.url.drivername.partition("+")[0]

    @property
    def is_sqlite(self) -> bool:
        """Return whether the alias is a SQLite database."""
        return self.backend == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        """Return the SQLite file, or None for a non-SQLite or in-memory database."""
        if not self.is_sqlite or self.url.database in (None, "", ":memory:"):
            return None
        return Path(self.url.database or "")

    def display_url(self) -> str:
        """Return the URL with its password hidden, for messages and logs."""
        return self.url.render_as_string(hide_password=True)


def load_database_configs(
    databases: Mapping[str, Any], base_dir: Path | str | None
) -> dict[str, DatabaseConfig]:
    """Return a :class:`DatabaseConfig` for every alias of the ``DATABASES`` setting."""
    if not isinstance(databases, Mapping):
        raise ImproperlyConfigured(
            f"DATABASES must be a dict of alias -> URL; got {type(databases).__name__}."
        )
    if DEFAULT_ALIAS not in databases:
        raise ImproperlyConfigured(
            "DATABASES has no 'default' alias; add one (or set DATABASE_URL)."
        )
    root = Path(base_dir) if base_dir else Path.cwd()
    return {alias: _config(alias, entry, root) for alias, entry in databases.items()}


def _config(alias: str, entry: Any, root: Path) -> DatabaseConfig:
    if not isinstance(alias, str) or not alias.isidentifier():
        raise ImproperlyConfigured(
            f"Database alias {alias!r} in DATABASES is not a valid identifier."
        )
    if isinstance(entry, (str, URL)):
        raw_url, options, pragmas = entry, {}, {}
    elif isinstance(entry, Mapping):
        unknown = sorted(set(entry) - _KNOWN_KEYS)
        if unknown:
            raise ImproperlyConfigured(
                f"DATABASES[{alias!r}] has unknown key {unknown[0]!r}; "
                "use 'URL', 'OPTIONS' and 'PRAGMAS'."
            )
        if not entry.get("URL"):
            raise ImproperlyConfigured(f"DATABASES[{alias!r}] has no 'URL'.")
        raw_url = entry["URL"]
        options = dict(entry.get("OPTIONS") or {})
        pragmas = dict(entry.get("PRAGMAS") or {})
    else:
        raise ImproperlyConfigured(
            f"DATABASES[{alias!r}] must be a URL or a dict with 'URL'; got {entry!r}."
        )
    url = _async_url(alias, raw_url)
    mode = _transaction_mode(alias, options.pop("transaction_mode", None), url)
    if url.get_backend_name() == "sqlite":
        url = _absolute_sqlite(url, root)
        pragmas = {**SQLITE_PRAGMAS, **pragmas}
    elif pragmas:
        raise ImproperlyConfigured(f"DATABASES[{alias!r}]: 'PRAGMAS' apply to SQLite only.")
    _require_driver(alias, url)
    return DatabaseConfig(
        alias=alias, url=url, options=options, pragmas=pragmas, transaction_mode=mode
    )


def _transaction_mode(alias: str, value: Any, url: URL) -> str | None:
    """Return the ``BEGIN`` mode of a SQLite alias; refuse a bad one or one elsewhere."""
    where = f"DATABASES[{alias!r}]['OPTIONS']['transaction_mode']"
    if url.get_backend_name() != "sqlite":
        if value is not None:
            raise ImproperlyConfigured(
                f"{where} applies to SQLite only; on PostgreSQL set the isolation level "
                "instead (OPTIONS {'isolation_level': 'SERIALIZABLE'}, say)."
            )
        return None
    if value is None:
        return DEFAULT_TRANSACTION_MODE
    mode = value.upper() if isinstance(value, str) else value
    if mode not in TRANSACTION_MODES:
        raise ImproperlyConfigured(
            f"{where} is {value!r}; use one of {', '.join(map(repr, TRANSACTION_MODES))}."
        )
    return str(mode)


def _async_url(alias: str, raw_url: str | URL) -> URL:
    try:
        url = make_url(raw_url)
    except ArgumentError as exc:
        raise ImproperlyConfigured(
            f"DATABASES[{alias!r}] is not a database URL: {str(raw_url)!r}; "
            "expected e.g. 'sqlite+aiosqlite:///db.sqlite3' or 'postgresql+asyncpg://...'."
        ) from exc
    name, _, current = url.drivername.partition("+")
    backend = _BACKEND_ALIASES.get(name, name)
    driver = _ASYNC_DRIVERS.get(backend)
    if driver is None:
        raise ImproperlyConfigured(
            f"DATABASES[{alias!r}] uses {backend!r}, which the framework does not support; "
            "use SQLite or PostgreSQL."
        )
    if current and current != driver:
        raise ImproperlyConfigured(
            f"DATABASES[{alias!r}] uses the driver {url.drivername!r}, which is not async; "
            f"use '{backend}+{driver}://...'."
        )
    return url.set(drivername=f"{backend}+{driver}")


def _absolute_sqlite(url: URL, root: Path) -> URL:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return url
    path = Path(database).expanduser()
    if not path.is_absolute():
        path = root / path
    return url.set(database=str(path))


def _require_driver(alias: str, url: URL) -> None:
    driver = url.drivername.partition("+")[2]
    if importlib.util.find_spec(driver) is not None:
        return
    extra = "postgres" if driver == "asyncpg" else None
    raise MissingDependencyError(driver, extra=extra, feature=f"the database {alias!r}")
