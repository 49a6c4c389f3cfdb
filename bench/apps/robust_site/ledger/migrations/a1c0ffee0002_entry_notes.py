"""entry notes

App: ledger
Revision ID: a1c0ffee0002
Revises: f74e8b46421c
Create Date: 2026-11-21 07:30:00
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "a1c0ffee0002"
down_revision = "f74e8b46421c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add a note column and backfill it; stall when asked (the kill -9 test)."""
    with op.batch_alter_table("ledger_entry") as batch:
        batch.add_column(sa.Column("note", sa.String(length=200), nullable=True))
    op.execute("UPDATE ledger_entry SET note = 'backfilled'")
    # The robustness script kills db-upgrade here: the marker says the DDL has run.
    marker = os.environ.get("ROBUST_STALL_MARKER")
    if marker:
        Path(marker).write_text("stalling")
        time.sleep(float(os.environ.get("ROBUST_STALL_SECONDS", "30")))


def downgrade() -> None:
    with op.batch_alter_table("ledger_entry") as batch:
        batch.drop_column("note")
