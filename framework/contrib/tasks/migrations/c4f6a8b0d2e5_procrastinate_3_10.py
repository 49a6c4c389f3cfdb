"""job tables: procrastinate 3.10.0 and the framework's tables

App: tasks
Revision ID: c4f6a8b0d2e5
Revises: 8b2d4e6f1a23
Create Date: 2026-12-02 06:30:00

Procrastinate's own migration files, run in order as its releases added them (they never
change once released). PostgreSQL only; on SQLite nothing is created. The files are split
over three revisions where an enum value is added: PostgreSQL only lets a new value be used
once it is committed.
"""

from __future__ import annotations

from alembic import op

revision = "c4f6a8b0d2e5"
down_revision = "8b2d4e6f1a23"
branch_labels = None
depends_on = None

#: Procrastinate's files, in order.
PROCRASTINATE_FILES = ("03.04.00_50_post_add_retry_failed_job_procedure.sql",)

#: Results (return value or error of each finished job, removed with the job) and paused
#: periodic tasks. Raw SQL, like the rest: no model declares them.
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
    from framework.contrib.tasks.schema import apply_files

    apply_files(op.get_bind(), PROCRASTINATE_FILES, FRAMEWORK_TABLES)


def downgrade() -> None:
    from framework.contrib.tasks.schema import revert_files

    revert_files(op.get_bind(), PROCRASTINATE_FILES, FRAMEWORK_TABLES)
