"""Models of the {{ cookiecutter.app_name }} app.

Change a model, then: python manage.py db-migrate {{ cookiecutter.app_name }} -m "what changed"
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from framework.db import CRUDMixin, Model


def now() -> datetime:
    return datetime.now(timezone.utc)


class Item(CRUDMixin, Model):
    """One item of the collection (table "{{ cookiecutter.app_name }}_item")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
