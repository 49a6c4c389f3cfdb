"""``CacheEntry``: one row per key of the ``database`` cache backend."""

from __future__ import annotations

from sqlalchemy import BigInteger, Double, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from framework.db import Model

__all__ = ["FOREVER", "CacheEntry"]

#: ``expires`` of an entry without a timeout (31 Dec 9999): every database compares it.
FOREVER = 253402300799.0


class CacheEntry(Model):
    """A cached value (``value``, serialized) or counter (``counter``) and when it expires.

    ``expires`` is a Unix time; a row whose time has passed is a miss and is deleted by
    later writes. Integers live in ``counter`` so that ``aincr`` is one atomic ``UPDATE``.
    """

    __app_label__ = "cache"
    __tablename__ = "cache_entry"

    key: Mapped[str] = mapped_column(String(250), primary_key=True)
    value: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    counter: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    expires: Mapped[float] = mapped_column(Double, index=True)
