"""items

App: {{ cookiecutter.app_name }}
Revision ID: {{ cookiecutter.app_name }}_0001
Revises: -
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "{{ cookiecutter.app_name }}_0001"
down_revision = None
branch_labels = ("{{ cookiecutter.app_name }}",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "{{ cookiecutter.app_name }}_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_{{ cookiecutter.app_name }}_item")),
    )


def downgrade() -> None:
    op.drop_table("{{ cookiecutter.app_name }}_item")
