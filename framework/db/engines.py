"""One async engine per database alias, created on first use and closed when its loop ends.

Async drivers bind their connections to the event loop that opened them, so engines are
kept per running loop: the CLI (one loop per command), the web server's lifespan and each
test get their own, and :func:`framework.runtime.run_cleanups` disposes them before the loop
closes. A change of ``DATABASES`` (``settings.override`` in tests) is picked up on the next
use; the replaced engine is disposed with the others.
"""

from __future__ import annotations

import asyncio
import difflib
import threading
import weakref
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from framework.db.config import DEFAULT_ALIAS, DatabaseConfig, load_database_configs
from framework.db.pool import default_poolclass
from framework.db.sqlite import TRANSACTION_MODE_OPTION
from framework.exceptions import ImproperlyConfigured

__all__ = ["EngineRegistry", "create_engine", "engines"]


class _LoopEngines:
    """The engines opened on one event loop, plus replaced ones still to dispose.

    Each alias keeps its config, its engine and the engine sessions connect through: the
    same pool, with the SQLite ``transaction_mode`` as an execution option.
    """

    def __init__(self) -> None:
        self.current: dict[str, tuple[DatabaseConfig, AsyncEngine, Engine]] = {}
        self.retired: list[AsyncEngine] = []


class EngineRegistry:
    """Create, cache and dispose the engines of every ``DATABASES`` alias."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settings: Any = None
        self._configs: dict[str, DatabaseConfig] = {}
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopEngines] = (
            weakref.WeakKeyDictionary()
        )

    # -- configuration --------------------------------------------------------------------

    def configs(self) -> dict[str, DatabaseConfig]:
        """Return the parsed ``DATABASES``, re-read whenever the settings object changes."""
        from framework.conf import settings

        current = settings.wrapped
        if current is self._settings:  # the usual case, read without taking the lock
            return self._configs
        with self._lock:
            if current is not self._settings:
                self._configs = load_database_configs(current.DATABASES, current.BASE_DIR)
                self._settings = current
            return self._configs

    def config(self, alias: str = DEFAULT_ALIAS) -> DatabaseConfig:
        """Return the configuration of *alias*; an unknown alias names the known ones."""
        configs = self.configs()
        try:
            return configs[alias]
        except KeyError:
            message = f"The database alias {alias!r} is not in DATABASES (known: "
            message += ", ".join(repr(name) for name in configs) + ")."
            close = difflib.get_close_matches(alias, list(configs), n=1)
            if close:
                message += f" Did you mean {close[0]!r}?"
            raise ImproperlyConfigured(message) from None

    def aliases(self) -> list[str]:
        """Return every configured alias, ``default`` first."""
        return list(self.configs())

    # -- engines --------------------------------------------------------------------------

    def get(self, alias: str = DEFAULT_ALIAS) -> AsyncEngine:
        """Return the engine of *alias* for the running event loop, creating it if needed."""
        return self._entry(alias)[1]

    def session_bind(self, alias: str = DEFAULT_ALIAS) -> Engine:
        """Return what ORM sessions of *alias* connect through (see ``transaction_mode``).

        Sessions — ``request.db``, the CRUD helpers, ``transaction()`` — begin SQLite
        transactions in the alias's ``transaction_mode``; Core connections taken from
        :meth:`get` keep SQLite's plain ``BEGIN`` (deferred), so raw reads never wait.
        """
        return self._entry(alias)[2]

    def _entry(self, alias: str) -> tuple[DatabaseConfig, AsyncEngine, Engine]:
        config = self.config(alias)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                "Database engines are async: use them from 'async def' code "
                "(commands may be async; scripts can call asyncio.run())."
            ) from None
        with self._lock:
            state = self._loops.get(loop)
            if state is None:
                state = self._loops[loop] = _LoopEngines()
                self._register_cleanup()
            cached = state.current.get(alias)
            if cached is not None and cached[0] == config:
                return cached
            if cached is not None:
                state.retired.append(cached[1])
            engine = create_engine(config)
            bind = engine.sync_engine
            if config.transaction_mode:
                bind = bind.execution_options(**{TRANSACTION_MODE_OPTION: config.transaction_mode})
            entry = state.current[alias] = (config, engine, bind)
            return entry

    def _register_cleanup(self) -> None:
        from framework.runtime import register_cleanup

        register_cleanup(self.dispose)

    async def dispose(self) -> None:
        """Close every engine opened on the running loop (their pooled connections too)."""
        loop = asyncio.get_running_loop()
        with self._lock:
            state = self._loops.pop(loop, None)
        if state is None:
            return
        for engine in [*state.retired, *(entry[1] for entry in state.current.values())]:
            await engine.dispose()


def create_engine(config: DatabaseConfig, **overrides: Any) -> AsyncEngine:
    """Create an engine for *config*, SQLite connections set up with the alias's pragmas.

    *overrides* replace engine options (the migration tools use a private, pool-less engine).
    """
    from framework.db.sqlite import install_sqlite_hooks

    options = {**config.options, **overrides}
    poolclass = default_poolclass(config.url, options)
    if poolclass is not None:
        options["poolclass"] = poolclass
    engine = create_async_engine(config.url, **options)
    if config.is_sqlite:
        install_sqlite_hooks(engine, config.pragmas)
    return engine


#: The engines of the running project.
engines = EngineRegistry()
