"""initial

App: cache
Revision ID: 4f1c2a9b7d3e
Revises: -
Create Date: 2026-12-02 07:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "4f1c2a9b7d3e"
down_revision = None
branch_labels = ("cache",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cache_entry",
        sa.Column("key", sa.String(length=250), nullable=False),
        sa.Column("value", sa.LargeBinary(), nullable=True),
        sa.Column("counter", sa.BigInteger(), nullable=True),
        sa.Column("expires", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_cache_entry")),
    )
    op.create_index(op.f("ix_cache_entry_expires"), "cache_entry", ["expires"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_cache_entry_expires"), table_name="cache_entry")
    op.drop_table("cache_entry")
