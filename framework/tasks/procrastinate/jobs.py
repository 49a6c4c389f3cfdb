"""The job rows, through SQLAlchemy: enqueue in the caller's transaction, read, operate.

The web process already holds a SQLAlchemy session (asyncpg) in the request's
transaction, while Procrastinate's own connectors speak psycopg on their own connections.
A job written through a psycopg connection would commit on its own, so a rolled-back
request would still leave it behind. Instead the job row is written by calling
Procrastinate's own SQL function, ``procrastinate_defer_jobs_v1``, on the *request's*
connection: it commits or rolls back with the request's data, and its ``INSERT`` trigger's
``NOTIFY`` is delivered to workers only at commit, as PostgreSQL holds notifications until
then. Reading and operating on jobs (``tasks`` command, ``result.arefresh()``) uses the same
engines, so the web process needs no psycopg pool at all; only workers do.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from framework.exceptions import ImproperlyConfigured
from framework.tasks.exceptions import ResultNotFound
from framework.tasks.results import TaskResult, TaskStatus

__all__ = [
    "RESULTS_TABLE",
    "SCHEDULE_PAUSE_TABLE",
    "cancel_job",
    "defer_job",
    "fetch_job",
    "list_jobs",
    "paused_schedules",
    "prune_jobs",
    "retry_job",
    "set_schedule_paused",
]

RESULTS_TABLE = "tasks_result"
SCHEDULE_PAUSE_TABLE = "tasks_schedule_pause"

_DEFER = text(
    "SELECT unnest(procrastinate_defer_jobs_v1(ARRAY[ROW("
    "CAST(:queue AS varchar), CAST(:task_name AS varchar), CAST(:priority AS integer), "
    "CAST(NULL AS text), CAST(NULL AS text), CAST(CAST(:args AS text) AS jsonb), "
    "CAST(:scheduled_at AS timestamptz))::procrastinate_job_to_defer_v1])) AS id"
)
_COLUMNS = (
    "j.id, j.status::text AS status, j.task_name, j.queue_name, j.priority, "
    "CAST(j.args AS text) AS args, j.scheduled_at, j.attempts, "
    "CAST(r.return_value AS text) AS return_value, r.error"
)
_FROM = f"FROM procrastinate_jobs j LEFT JOIN {RESULTS_TABLE} r ON r.job_id = j.id"
_STATUSES = {
    "todo": TaskStatus.QUEUED,
    "doing": TaskStatus.RUNNING,
    "aborting": TaskStatus.RUNNING,
    "succeeded": TaskStatus.SUCCEEDED,
    "failed": TaskStatus.FAILED,
    "cancelled": TaskStatus.CANCELLED,
    "aborted": TaskStatus.CANCELLED,
}
#: Our status names → Procrastinate's, for ``tasks list --status``.
STATUS_FILTERS = {
    "queued": ("todo",),
    "running": ("doing", "aborting"),
    "succeeded": ("succeeded",),
    "failed": ("failed",),
    "cancelled": ("cancelled", "aborted"),
}


async def defer_job(
    connection: AsyncConnection,
    *,
    task_name: str,
    queue: str,
    priority: int,
    args: list[Any],
    kwargs: dict[str, Any],
    run_after: dt.datetime | None,
) -> int:
    """Insert one job on *connection* (in its transaction) and return its id."""
    payload = json.dumps({"args": args, "kwargs": kwargs}, allow_nan=False)
    values = {
        "queue": queue,
        "task_name": task_name,
        "priority": priority,
        "args": payload,
        "scheduled_at": run_after,
    }
    try:
        row = await connection.execute(_DEFER, values)
    except DBAPIError as exc:
        if "procrastinate_defer_jobs_v1" in str(exc) or "procrastinate_job_to_defer" in str(exc):
            raise ImproperlyConfigured(
                "The job tables are missing from the task database: run manage.py "
                "db-upgrade (the framework.contrib.tasks app's migrations create them)."
            ) from exc
        raise
    return int(row.scalar_one())


async def fetch_job(connection: AsyncConnection, job_id: str, alias: str) -> TaskResult:
    """Return job *job_id* (``ResultNotFound`` when there is none)."""
    if not job_id.isdigit() or int(job_id) >= 2**63:
        raise ResultNotFound(f"No job {job_id!r}: job ids of this backend are numbers.")
    rows = await connection.execute(
        text(f"SELECT {_COLUMNS} {_FROM} WHERE j.id = :id"), {"id": int(job_id)}
    )
    row = rows.mappings().first()
    if row is None:
        raise ResultNotFound(f"No job {job_id} in the task backend {alias!r}.")
    return to_result(row, alias)


async def list_jobs(
    connection: AsyncConnection,
    alias: str,
    *,
    status: str | None = None,
    queue: str | None = None,
    task_name: str | None = None,
    limit: int = 50,
) -> list[TaskResult]:
    """Return the newest jobs first, filtered by our status name, queue and task."""
    statuses = list(STATUS_FILTERS[status]) if status else None
    rows = await connection.execute(
        text(
            f"SELECT {_COLUMNS} {_FROM} "
            "WHERE (CAST(:statuses AS text[]) IS NULL OR j.status::text = ANY(:statuses)) "
            "AND (CAST(:queue AS varchar) IS NULL OR j.queue_name = :queue) "
            "AND (CAST(:task AS varchar) IS NULL OR j.task_name = :task) "
            "ORDER BY j.id DESC LIMIT :limit"
        ),
        {"statuses": statuses, "queue": queue, "task": task_name, "limit": limit},
    )
    return [to_result(row, alias) for row in rows.mappings()]


async def retry_job(connection: AsyncConnection, job_id: int) -> None:
    """Queue a failed job again, now (Procrastinate's ``retry_job`` function)."""
    await connection.execute(
        text("SELECT procrastinate_retry_job_v2(:id, now(), NULL, NULL, NULL)"), {"id": job_id}
    )


async def cancel_job(connection: AsyncConnection, job_id: int) -> bool:
    """Cancel a queued job, or ask the worker running it to abort; False if neither."""
    rows = await connection.execute(
        text("SELECT procrastinate_cancel_job_v1(:id, true, false) AS id"), {"id": job_id}
    )
    return rows.scalar_one_or_none() is not None


async def prune_jobs(connection: AsyncConnection, older_than: dt.timedelta) -> int:
    """Delete finished jobs whose last event is older than *older_than*; return how many."""
    rows = await connection.execute(
        text(
            "DELETE FROM procrastinate_jobs j WHERE j.status IN "
            "('succeeded', 'failed', 'cancelled', 'aborted') AND COALESCE(("
            "SELECT max(e.at) FROM procrastinate_events e WHERE e.job_id = j.id), "
            "'-infinity') < now() - CAST(:age AS interval) RETURNING j.id"
        ),
        {"age": older_than},
    )
    return len(rows.all())


async def paused_schedules(connection: AsyncConnection) -> set[str]:
    """Return the names of the paused periodic tasks."""
    rows = await connection.execute(text(f"SELECT task_name FROM {SCHEDULE_PAUSE_TABLE}"))
    return {str(name) for name in rows.scalars()}


async def set_schedule_paused(connection: AsyncConnection, name: str, paused: bool) -> None:
    """Pause or resume the periodic task *name*."""
    if paused:
        statement = (
            f"INSERT INTO {SCHEDULE_PAUSE_TABLE} (task_name) VALUES (:name) "
            "ON CONFLICT (task_name) DO NOTHING"
        )
    else:
        statement = f"DELETE FROM {SCHEDULE_PAUSE_TABLE} WHERE task_name = :name"
    await connection.execute(text(statement), {"name": name})


def to_result(row: Any, alias: str) -> TaskResult:
    """Turn a job row (with its result, if any) into a :class:`TaskResult`."""
    status = _STATUSES.get(row["status"], TaskStatus.QUEUED)
    payload = json.loads(row["args"]) if row["args"] else {}
    # Procrastinate counts an attempt when it ends (finished or queued again).
    running = row["status"] in ("doing", "aborting")
    value = row["return_value"]
    return TaskResult(
        id=str(row["id"]),
        task_name=row["task_name"],
        status=status,
        args=list(payload.get("args", [])),
        kwargs=dict(payload.get("kwargs", {})),
        queue=row["queue_name"],
        priority=row["priority"],
        run_after=row["scheduled_at"],
        attempts=int(row["attempts"]) + (1 if running else 0),
        error=row["error"] if status is not TaskStatus.SUCCEEDED else None,
        backend=alias,
        _return_value=json.loads(value) if value is not None else None,
    )
