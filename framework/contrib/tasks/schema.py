"""Apply Procrastinate's own SQL migration files, as its Django integration does.

Procrastinate ships its schema as numbered SQL files that never change once released; the
framework's migrations name the files of each pinned release and run them in order, so a
database reaches exactly the schema that release expects, whatever newer files a later
Procrastinate adds. A file that is missing (an older Procrastinate installed) stops the
migration with the ``pip install`` to run.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from framework.exceptions import ImproperlyConfigured

__all__ = ["apply_files", "drop_procrastinate", "execute_sql", "procrastinate_sql", "revert_files"]


def apply_files(bind: Any, files: tuple[str, ...], tables: str) -> None:
    """Run Procrastinate's *files* in order, then the framework's *tables* (PostgreSQL only)."""
    if bind.dialect.name != "postgresql":
        return
    if _one_transaction():
        # Every migration joins one outer transaction (db-migrate's and db-check's scratch
        # schema), where an enum value added by one file cannot be used by the next: the
        # first revision creates the release's whole schema at once, the others add nothing.
        if files and files[0].startswith("00.00.00"):
            execute_sql(bind, _release_schema())
    else:
        for name in files:
            execute_sql(bind, procrastinate_sql(name))
    if tables:
        execute_sql(bind, tables)


def _one_transaction() -> bool:
    from alembic import op

    return bool(getattr(op.get_context(), "_in_external_transaction", False))


def _release_schema() -> str:
    from framework.tasks.procrastinate.dependency import require_procrastinate

    require_procrastinate("the framework.contrib.tasks migrations")
    return (resources.files("procrastinate.sql") / "schema.sql").read_text(encoding="utf-8")


def revert_files(bind: Any, files: tuple[str, ...], tables: str) -> None:
    """Undo a revision: drop the framework's tables; the first revision drops everything.

    Procrastinate's files have no inverse, so going below the last revision keeps its
    functions until the first revision is reverted, which removes the whole job schema.
    """
    if bind.dialect.name != "postgresql":
        return
    if tables:
        execute_sql(bind, "DROP TABLE IF EXISTS tasks_schedule_pause, tasks_result;")
    if files and files[0].startswith("00.00.00"):
        drop_procrastinate(bind)


def procrastinate_sql(name: str) -> str:
    """Return the text of Procrastinate's migration file *name*."""
    from framework.tasks.procrastinate.dependency import require_procrastinate

    require_procrastinate("the framework.contrib.tasks migrations")
    folder = resources.files("procrastinate.sql.migrations")
    path = folder / name
    if not path.is_file():
        raise ImproperlyConfigured(
            f"Procrastinate's migration {name!r} is missing from the installed package: "
            'pip install "framework[tasks]".'
        )
    return path.read_text(encoding="utf-8")


def execute_sql(bind: Any, sql: str) -> None:
    """Run a script of several statements in the migration's transaction.

    Alembic's ``op.execute`` prepares one statement, which asyncpg refuses for a script;
    the driver connection runs it as one simple query in the same transaction. Offline
    (``db-sql``), the script is printed as it is.
    """
    from alembic import op
    from sqlalchemy.util import await_only

    if op.get_context().as_sql:
        op.execute(sql)
        return
    driver = bind.connection.driver_connection
    await_only(driver.execute(sql))


def drop_procrastinate(bind: Any) -> None:
    """Drop every table, function and type of the job schema (the migration's downgrade)."""
    from sqlalchemy import text

    functions = bind.execute(
        text(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace "
            "WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%'"
        )
    ).scalars()
    statements = [
        "DROP TABLE IF EXISTS tasks_schedule_pause, tasks_result, procrastinate_events, "
        "procrastinate_periodic_defers, procrastinate_jobs, procrastinate_workers CASCADE",
        *(f"DROP FUNCTION IF EXISTS {signature} CASCADE" for signature in functions),
        "DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type, "
        "procrastinate_job_status CASCADE",
    ]
    execute_sql(bind, ";\n".join(statements) + ";")
