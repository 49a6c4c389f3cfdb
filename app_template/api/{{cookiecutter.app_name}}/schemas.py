"""What the {{ cookiecutter.app_name }} API accepts and answers (pydantic).

JSON bodies are validated strictly (no "3" for a number) and `extra="forbid"` refuses unknown
fields, so the published OpenAPI document says exactly what is accepted.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


def as_utc(value: datetime) -> datetime:
    """Return *value* with its timezone: SQLite hands stored UTC times back without one."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


#: A moment in UTC, written with its offset ("2030-01-01T12:00:00Z") as RFC 3339 wants.
UTCDateTime = Annotated[datetime, AfterValidator(as_utc)]


class ItemIn(BaseModel):
    """A new item, or the new values of one."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")
    description: str = Field("", max_length=5000, pattern=r"^[^\x00]*$")


class ItemOut(BaseModel):
    """An item as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    created_at: UTCDateTime


class Paging(BaseModel):
    """Which page of the list to show."""

    page: int = Field(1, ge=1, le=10_000)
    per_page: int = Field(20, ge=1, le=100)

