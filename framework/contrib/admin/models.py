"""``LogEntry``: the admin log (table ``admin_log_entry``) — who changed what, when, and how.

Every create, update, delete and action done through the admin writes one row in the same
transaction as the change: the user (and their username, kept if the user is deleted later),
the model, the object's id and text, the action, and the changed fields as JSON
``{"field": [old, new]}``. Sensitive fields (passwords) are recorded as changed, never with
their values.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from framework.db import Model

__all__ = ["LogEntry"]


def _now() -> datetime:
    return datetime.now(UTC)


class LogEntry(Model):
    """One change made through the admin."""

    id: Mapped[int] = mapped_column(primary_key=True)
    action_time: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("auth_user.id", ondelete="SET NULL"), nullable=True, index=True
    )
    username: Mapped[str] = mapped_column(String(150), default="")
    #: ``<app label>.<Model>``, e.g. ``library.Book``.
    model: Mapped[str] = mapped_column(String(200), index=True)
    object_id: Mapped[str] = mapped_column(String(200), default="")
    object_repr: Mapped[str] = mapped_column(String(200), default="")
    #: ``create``, ``update``, ``delete``, or ``action:<name>``.
    action: Mapped[str] = mapped_column(String(100))
    #: JSON ``{"field": [old, new]}`` (sensitive fields: ``"(changed)"``).
    changes: Mapped[str] = mapped_column(Text, default="{}")

    def __str__(self) -> str:
        return f"{self.action} {self.model} {self.object_repr}"

    @property
    def changed_fields(self) -> dict[str, Any]:
        """Return the recorded changes as a dict."""
        value = json.loads(self.changes or "{}")
        return value if isinstance(value, dict) else {}
