"""job tables of procrastinate 3.10.0

App: tasks
Revision ID: 5e0c1a7f3b10
Revises: -
Create Date: 2026-11-24 09:00:00

Procrastinate's migration files up to its release 3.10.0, in order, then the framework's
tables beside them: results (return value or error of each finished job, removed with the
job) and paused periodic tasks. PostgreSQL only; on SQLite nothing is created.
"""

from __future__ import annotations

from alembic import op

revision = "5e0c1a7f3b10"
down_revision = None
branch_labels = ("tasks",)
depends_on = None

#: Procrastinate's files, in the order its releases added them (never edited once released).
PROCRASTINATE_FILES = (
    "00.00.00_01_initial.sql",
    "00.05.00_01_drop_started_at_column.sql",
    "00.05.00_02_drop_started_at_column.sql",
    "00.05.00_03_drop_procrastinate_version_table.sql",
    "00.06.00_01_fix_procrastinate_fetch_job.sql",
    "00.07.01_01_fix_trigger_status_events_insert.sql",
    "00.08.01_01_add_queueing_lock_column.sql",
    "00.10.00_01_close_fetch_job_race_condition.sql",
    "00.10.00_02_add_defer_job_function.sql",
    "00.11.00_03_add_procrastinate_periodic_defers.sql",
    "00.12.00_01_add_foreign_key_index.sql",
    "00.14.00_01_add_locks_to_periodic_defer.sql",
    "00.15.02_01_fix_procrastinate_defer_periodic_job.sql",
    "00.16.00_01_add_finish_job_and_retry_job_functions.sql",
    "00.17.00_01_add_trigger_on_job_deletion.sql",
    "00.17.00_02_delete_finished_jobs.sql",
    "00.17.00_03_add_checks_to_finish_job.sql",
    "00.17.00_04_add_checks_to_retry_job.sql",
    "00.18.01_01_fix_finish_job_compat_issue.sql",
    "00.19.00_01_add_index_on_procrastinate_jobs.sql",
    "00.22.00_01_add_kwargs_to_defer_periodic_job.sql",
    "00.23.00_01_null_locks_excluded.sql",
    "01.00.00_01_remove_old_finish_job_function.sql",
    "01.01.01_01_job_id_bigint.sql",
    "02.00.03_01_add_job_priority.sql",
    "02.05.00_01_add_periodic_job_priority.sql",
    "02.06.00_01_add_cancel_states.sql",
    "02.08.00_01_add_additional_params_to_retry_job.sql",
    "02.14.01_01_add_indexes_for_fetch_job.sql",
    "03.00.00_01_pre_cancel_notification.sql",
    "03.00.00_50_post_cancel_notification.sql",
    "03.01.00_01_pre_add_heartbeat.sql",
    "03.01.00_50_post_add_heartbeat.sql",
    "03.02.00_01_pre_batch_defer_jobs.sql",
    "03.02.00_50_post_batch_defer_jobs.sql",
    "03.03.00_01_pre_priority_lock_fetch_job.sql",
    "03.04.00_01_pre_add_retry_failed_job_procedure.sql",
    "03.04.00_50_post_add_retry_failed_job_procedure.sql",
)

FRAMEWORK_TABLES = """
CREATE TABLE tasks_result (
    job_id bigint PRIMARY KEY REFERENCES procrastinate_jobs(id) ON DELETE CASCADE,
    return_value jsonb,
    error text,
    finished_at timestamp with time zone NOT NULL DEFAULT now()
);
CREATE TABLE tasks_schedule_pause (
    task_name character varying(255) PRIMARY KEY,
    paused_at timestamp with time zone NOT NULL DEFAULT now()
);
"""



def upgrade() -> None:
    from framework.contrib.tasks.schema import execute_sql, procrastinate_sql

    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for name in PROCRASTINATE_FILES:
        execute_sql(bind, procrastinate_sql(name))
    execute_sql(bind, FRAMEWORK_TABLES)


def downgrade() -> None:
    from framework.contrib.tasks.schema import drop_procrastinate

    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    drop_procrastinate(bind)
