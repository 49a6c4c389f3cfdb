"""The users the benchmark reads: the table every contender shares."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from framework.db import CRUDMixin, Model


class User(CRUDMixin, Model):
    __tablename__ = "users"  # the table the benchmark seeds for every contender

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(200))

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "name": self.name, "email": self.email}
