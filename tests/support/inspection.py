"""Look at a database from the outside: its tables, columns, rows and recorded revisions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, text

__all__ = ["columns", "execute", "rows", "tables", "tables_at", "versions"]


def _run(function: Any) -> Any:
    from framework.cli.runtime import run_async

    return run_async(function)


def tables(alias: str = "default") -> set[str]:
    """Return the table names of database *alias*."""
    from framework.db import engines

    async def read() -> set[str]:
        async with engines.get(alias).connect() as connection:
            return await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))

    return _run(read)


def columns(table: str, alias: str = "default") -> list[str]:
    """Return the column names of *table*."""
    from framework.db import engines

    async def read() -> list[str]:
        async with engines.get(alias).connect() as connection:
            return await connection.run_sync(
                lambda sync: [column["name"] for column in inspect(sync).get_columns(table)]
            )

    return _run(read)


def rows(sql: str, alias: str = "default") -> list[tuple[Any, ...]]:
    """Return the rows of the query *sql*."""
    from framework.db import engines

    async def read() -> list[tuple[Any, ...]]:
        async with engines.get(alias).connect() as connection:
            return [tuple(row) for row in await connection.execute(text(sql))]

    return _run(read)


def execute(sql: str, alias: str = "default") -> None:
    """Run the statement *sql* and commit it."""
    from framework.db import engines

    async def write() -> None:
        async with engines.get(alias).begin() as connection:
            await connection.execute(text(sql))

    _run(write)


def versions(alias: str = "default") -> set[str]:
    """Return the revisions recorded in *alias*'s version table (none without one)."""
    if "alembic_version" not in tables(alias):
        return set()
    return {row[0] for row in rows("SELECT version_num FROM alembic_version", alias)}


def tables_at(url: str) -> set[str]:
    """Return the table names of the database at *url* (no project settings involved)."""
    import asyncio

    from sqlalchemy.ext.asyncio import create_async_engine

    async def read() -> set[str]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        finally:
            await engine.dispose()

    return asyncio.run(read())
