"""``create_all()``, ``await request.db`` and ``Model.select()``: Dyne's database idioms.

Projects create tables through migrations (``db-migrate``, ``db-upgrade``). A single-file
service or a quick script may instead create every model's table at start-up::

    from framework.db import create_all

    @app.on_startup
    async def tables():
        await create_all()          # CREATE TABLE IF NOT EXISTS, on each model's database

    @app.get("/books")
    async def books(request):
        session = await request.db                 # Dyne's spelling: the same session
        return [b.title for b in await session.scalars(Book.select())]

``create_all`` never alters or drops a table: a changed model needs a migration (or a fresh
database). ``await request.db`` returns ``request.db`` itself, so Dyne code runs unchanged.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

__all__ = ["AwaitableSession", "SelectMixin", "create_all"]


class AwaitableSession(AsyncSession):
    """An ``AsyncSession`` that ``await`` returns as it is (``session = await request.db``)."""

    def __await__(self) -> Generator[Any, None, AwaitableSession]:
        return self
        yield  # a generator: awaiting it finishes at once


class SelectMixin:
    """``Model.select()``: a SQLAlchemy ``select()`` of the model, for ``session.scalars()``."""

    @classmethod
    def select(cls) -> Select[Any]:
        """Return ``select(cls)``: ``await session.scalars(Book.select().filter_by(id=1))``."""
        return select(cls)


async def create_all(aliases: Sequence[str] | None = None) -> list[str]:
    """Create the missing tables of every model on its database; return their names.

    *aliases* limits it to some DATABASES aliases (default: all that models use).
    """
    from framework.apps import apps
    from framework.db.engines import engines
    from framework.db.models import database_alias, metadata

    # The app registry's models, not every class SQLAlchemy ever mapped in this process: a
    # model of an app no longer installed has no database to go to.
    by_alias: dict[str, list[Any]] = {}
    for models in list(apps.all_models.values()):
        for model in models.values():
            table = getattr(model, "__table__", None)
            if table is not None and table.metadata is metadata:
                by_alias.setdefault(database_alias(model), []).append(table)
    created: list[str] = []
    for alias, tables in sorted(by_alias.items()):
        if aliases is not None and alias not in aliases:
            continue
        async with engines.get(alias).begin() as connection:
            missing = await connection.run_sync(_missing, tables)
            await connection.run_sync(metadata.create_all, tables=missing)
        created.extend(table.name for table in missing)
    return created


def _missing(connection: Any, tables: list[Any]) -> list[Any]:
    """Return the *tables* that do not exist on *connection*'s database."""
    dialect = connection.dialect
    return [t for t in tables if not dialect.has_table(connection, t.name, schema=t.schema)]
