"""The migration lock: two processes never migrate one database at the same time.

PostgreSQL: a session-level advisory lock, held on a connection of its own. SQLite: an
exclusive ``flock`` on ``<database file>-migrate.lock``. Both vanish with the process that
holds them, so a killed ``db-upgrade`` never leaves a stale lock behind. The second process
waits (saying so) up to a timeout, then refuses.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from framework.db.config import DatabaseConfig
from framework.migrations.scripts import MigrationError

__all__ = ["ADVISORY_LOCK_KEY", "migration_lock"]

#: The advisory lock key (``pg_advisory_lock``): "framewrk" as a 63-bit integer.
ADVISORY_LOCK_KEY = int.from_bytes(b"framewrk", "big") & 0x7FFFFFFFFFFFFFFF

_POLL_SECONDS = 0.2


class _Waiter:
    """Poll *try_lock* until it succeeds, announcing the wait once, up to *timeout*."""

    def __init__(self, alias: str, timeout: float, on_wait: Callable[[str], None] | None):
        self.alias = alias
        self.timeout = timeout
        self.on_wait = on_wait

    async def wait(self, try_lock: Callable[[], Any]) -> None:
        deadline = time.monotonic() + self.timeout
        announced = False
        while not await try_lock():
            if time.monotonic() >= deadline:
                raise MigrationError(
                    f"Another process is migrating database {self.alias!r}; gave up after "
                    f"waiting {self.timeout:g} s. Try again when it has finished."
                )
            if not announced and self.on_wait is not None:
                self.on_wait(
                    f"Another process is migrating database {self.alias!r}; waiting for it "
                    "to finish..."
                )
            announced = True
            await asyncio.sleep(_POLL_SECONDS)


@asynccontextmanager
async def migration_lock(
    config: DatabaseConfig,
    engine: AsyncEngine,
    *,
    timeout: float = 300.0,
    on_wait: Callable[[str], None] | None = None,
) -> AsyncIterator[None]:
    """Hold the migration lock of *config*'s database for the duration of the block."""
    waiter = _Waiter(config.alias, timeout, on_wait)
    if config.is_sqlite:
        path = config.sqlite_path
        if path is None:  # in-memory: private to this process
            yield
            return
        async with _file_lock(Path(f"{path}-migrate.lock"), waiter):
            yield
        return
    async with _advisory_lock(engine, waiter):
        yield


@asynccontextmanager
async def _file_lock(path: Path, waiter: _Waiter) -> AsyncIterator[None]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        await waiter.wait(lambda: _try_flock(descriptor))
        try:
            yield
        finally:
            _unlock(descriptor)
    finally:
        os.close(descriptor)


async def _try_flock(descriptor: int) -> bool:
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(descriptor: int) -> None:
    if sys.platform == "win32":
        import msvcrt

        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(descriptor, fcntl.LOCK_UN)


@asynccontextmanager
async def _advisory_lock(engine: AsyncEngine, waiter: _Waiter) -> AsyncIterator[None]:
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")

        async def try_lock() -> bool:
            result = await autocommit.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
            return bool(result.scalar())

        await waiter.wait(try_lock)
        try:
            yield
        finally:
            await autocommit.execute(
                text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
