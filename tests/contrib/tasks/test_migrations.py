"""``framework.contrib.tasks``: ``db-upgrade`` creates exactly the schema Procrastinate expects.

The migrations replay Procrastinate's own SQL files; the test compares the result with the
schema Procrastinate applies itself (``SchemaManager.apply_schema``), object by object as
``pg_dump`` prints them (column order aside: replayed migrations append added columns).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from framework.conf import settings
from framework.testing.database import migrate_databases
from tests.support.databases import (
    _pgcluster,
    acquire_postgres_database,
    postgres_server_url,
    postgres_url,
    release_postgres_database,
)

pytestmark = pytest.mark.postgres
STRONG = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789"
PROJECT = (
    f"SECRET_KEY = {STRONG!r}\nINSTALLED_APPS = ['framework.contrib.tasks']\n"
    "TASKS = {'default': {'BACKEND': 'procrastinate'}}\n"
)


@pytest.fixture
def pg_databases() -> Iterator[list[str]]:
    names = [acquire_postgres_database(), acquire_postgres_database()]
    yield names
    for name in names:
        release_postgres_database(name)


def schema_dump(database: str) -> list[str]:
    """Return ``pg_dump --schema-only`` of *database*, normalised for comparison."""
    bindir = _pgcluster().find_bindir()
    server = postgres_server_url().replace("postgresql+asyncpg://", "postgresql://")
    dump = subprocess.run(
        [
            str(Path(bindir) / "pg_dump"),
            "--schema-only",
            "--no-owner",
            server.rsplit("/", 1)[0] + f"/{database}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = [
        line
        for line in dump.splitlines()
        # Comments, the dump's session guard, and the public schema itself (a pooled test
        # database has it recreated, without the comment a new database starts with).
        if line
        and not line.startswith(("--", "\\restrict", "\\unrestrict"))
        and "SCHEMA public" not in line
    ]
    return _sort_table_columns(lines)


def _sort_table_columns(lines: list[str]) -> list[str]:
    out: list[str] = []
    columns: list[str] | None = None
    for line in lines:
        if columns is not None:
            if line == ");":
                out += [*sorted(column.rstrip(",") for column in columns), line]
                columns = None
            else:
                columns.append(line)
        else:
            out.append(line)
            if re.match(r"CREATE TABLE .* \($", line):
                columns = []
    return out


async def test_db_upgrade_creates_procrastinates_schema(
    make_settings_module, pg_databases: list[str]
) -> None:
    import procrastinate

    import framework

    migrated, reference = pg_databases
    make_settings_module(PROJECT)
    framework.setup()
    with settings.override(DATABASES={"default": postgres_url(migrated)}):
        await migrate_databases()
    conninfo = postgres_url(reference).replace("postgresql+asyncpg://", "postgresql://")
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo))
    async with app.open_async():
        await app.schema_manager.apply_schema_async()
    ours = schema_dump(migrated)
    theirs = schema_dump(reference)
    assert [line for line in theirs if line not in ours] == []
    # What the framework adds beside Procrastinate's schema (lines also found in it, such
    # as "job_id bigint NOT NULL", are not repeated here).
    assert [line for line in ours if line not in theirs] == [
        "CREATE TABLE public.alembic_version (",
        "    version_num character varying(32) NOT NULL",
        "CREATE TABLE public.tasks_result (",
        "    error text",
        "    finished_at timestamp with time zone DEFAULT now() NOT NULL",
        "    return_value jsonb",
        "CREATE TABLE public.tasks_schedule_pause (",
        "    paused_at timestamp with time zone DEFAULT now() NOT NULL",
        "    task_name character varying(255) NOT NULL",
        "ALTER TABLE ONLY public.alembic_version",
        "    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);",
        "ALTER TABLE ONLY public.tasks_result",
        "    ADD CONSTRAINT tasks_result_pkey PRIMARY KEY (job_id);",
        "ALTER TABLE ONLY public.tasks_schedule_pause",
        "    ADD CONSTRAINT tasks_schedule_pause_pkey PRIMARY KEY (task_name);",
        "ALTER TABLE ONLY public.tasks_result",
        "    ADD CONSTRAINT tasks_result_job_id_fkey FOREIGN KEY (job_id) REFERENCES "
        "public.procrastinate_jobs(id) ON DELETE CASCADE;",
    ]
    migrated_app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(
            conninfo=postgres_url(migrated).replace("postgresql+asyncpg://", "postgresql://")
        )
    )
    async with migrated_app.open_async():
        assert await migrated_app.check_connection_async()


async def test_downgrading_to_base_removes_the_whole_job_schema(
    make_settings_module, pg_databases: list[str]
) -> None:
    import framework
    from framework.migrations import downgrade

    make_settings_module(PROJECT)
    framework.setup()
    url = postgres_url(pg_databases[0])
    with settings.override(DATABASES={"default": url}):
        await migrate_databases()
        await downgrade("default", "tasks@base")
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            left = await connection.execute(
                text(
                    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'public' AND (c.relname LIKE 'procrastinate%' "
                    "OR c.relname LIKE 'tasks_%')"
                )
            )
            functions = await connection.execute(
                text("SELECT count(*) FROM pg_proc WHERE proname LIKE 'procrastinate%'")
            )
            assert (left.scalar(), functions.scalar()) == (0, 0)
    finally:
        await engine.dispose()


async def test_on_sqlite_the_migrations_create_nothing(make_settings_module, tmp_path) -> None:
    import framework

    make_settings_module(f"SECRET_KEY = {STRONG!r}\nINSTALLED_APPS = ['framework.contrib.tasks']\n")
    framework.setup()
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}"
    with settings.override(DATABASES={"default": url}):
        await migrate_databases()
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            tables = await connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            )
            assert tables.scalars().all() == ["alembic_version"]
    finally:
        await engine.dispose()


def test_db_check_leaves_the_job_tables_alone(make_settings_module, pg_databases) -> None:
    """Autogenerate owns no job table, so a migrated project has no changes to make."""
    import framework
    from framework.cli import call_command
    from framework.cli.runtime import run_async

    make_settings_module(PROJECT)
    framework.setup()
    with settings.override(DATABASES={"default": postgres_url(pg_databases[0])}):
        run_async(migrate_databases)
        call_command("db-check")  # raises on a difference
