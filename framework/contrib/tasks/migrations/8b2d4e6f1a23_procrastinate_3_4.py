"""job tables: procrastinate schema up to 3.4

App: tasks
Revision ID: 8b2d4e6f1a23
Revises: 5e0c1a7f3b10
Create Date: 2026-12-02 06:30:00

Procrastinate's own migration files, run in order as its releases added them (they never
change once released). PostgreSQL only; on SQLite nothing is created. The files are split
over three revisions where an enum value is added: PostgreSQL only lets a new value be used
once it is committed.
"""

from __future__ import annotations

from alembic import op

revision = "8b2d4e6f1a23"
down_revision = "5e0c1a7f3b10"
branch_labels = None
depends_on = None

#: Procrastinate's files, in order.
PROCRASTINATE_FILES = (
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
)

#: The framework's tables, created by the last revision.
FRAMEWORK_TABLES = ""


def upgrade() -> None:
    from framework.contrib.tasks.schema import apply_files

    apply_files(op.get_bind(), PROCRASTINATE_FILES, FRAMEWORK_TABLES)


def downgrade() -> None:
    from framework.contrib.tasks.schema import revert_files

    revert_files(op.get_bind(), PROCRASTINATE_FILES, FRAMEWORK_TABLES)
