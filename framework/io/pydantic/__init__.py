"""pydantic support: the adapter ``@input``/``@output`` use, and ``FileField`` for uploads."""

from __future__ import annotations

from framework.io.pydantic.adapter import PydanticAdapter, pydantic_errors
from framework.io.pydantic.fields import FileField

__all__ = ["FileField", "PydanticAdapter", "pydantic_errors"]
