"""Entries written by the robustness scripts: each acknowledged write must survive."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from framework.db import CRUDMixin, Model


class Entry(CRUDMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str | None] = mapped_column(String(200))
