"""``CRUDMixin``: ``create``, ``get``, ``find``, ``all``, ``save``, ``patch``, ``destroy``.

Writes follow Django's autocommit rule so none is silently lost: outside a transaction each
one commits at once; inside ``transaction()`` (or an atomic request) it is flushed, so
database errors surface at the call, and commits with the block. Every helper uses the
active session and raises :class:`~framework.db.sessions.NoSessionError` without one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import BigInteger, Integer, SmallInteger
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from framework.db.engines import engines
from framework.db.expiry import rollback_and_reload
from framework.db.models import database_alias
from framework.db.query import Query, read
from framework.db.rows import check_field
from framework.db.schema import SelectMixin
from framework.db.sessions import current_scope

__all__ = ["CRUDMixin", "write"]

M = TypeVar("M", bound="CRUDMixin")


def _fits_primary_key(model: type[Any], ident: int) -> bool:
    """Return whether *ident* fits the integer primary key column of *model*.

    SQLite integers are 64-bit; PostgreSQL's ``integer`` is 32-bit (``bigint`` 64, ``smallint``
    16). A value that cannot fit is refused by the driver, and inside a transaction that error
    would spoil the transaction, so it is caught here first.
    """
    bits = _PRIMARY_KEY_BITS.get(model)
    if bits is None:
        bits = _PRIMARY_KEY_BITS[model] = _primary_key_bits(model)
    if bits == 32 and not -(2**31) <= ident < 2**31:
        # Plain INTEGER: 32 bits on PostgreSQL, 64 on SQLite.
        bits = 64 if engines.get(database_alias(model)).dialect.name == "sqlite" else 32
    return bits == 0 or -(2 ** (bits - 1)) <= ident < 2 ** (bits - 1)


#: Width of each model's integer primary key (0: not a single integer column), computed once.
_PRIMARY_KEY_BITS: dict[type[Any], int] = {}


def _primary_key_bits(model: type[Any]) -> int:
    columns = list(model.__table__.primary_key.columns)
    if len(columns) != 1 or not isinstance(columns[0].type, Integer):
        return 0
    if isinstance(columns[0].type, BigInteger):
        return 64
    return 16 if isinstance(columns[0].type, SmallInteger) else 32


async def write(action: Callable[[AsyncSession], Awaitable[None]]) -> None:
    """Run the write *action*; commit now outside a transaction, else flush for the block.

    A failed autocommit write is rolled back, and the objects the rollback expired are
    reloaded, so the caller can still use what it loaded before (``request.user``, say).
    """
    scope = current_scope()
    session = scope.session
    autocommit = scope.atomic_depth == 0
    try:
        await action(session)
        if autocommit:
            await session.commit()
        else:
            await session.flush()
    except BaseException:
        if autocommit:
            await rollback_and_reload(session, in_outer_transaction=False)
        raise


class CRUDMixin(SelectMixin):
    """Active-record helpers for a :class:`~framework.db.Model` subclass.

    ``class Post(CRUDMixin, Model): ...`` then ``await Post.create(title="Hi")``.
    """

    # -- reading --------------------------------------------------------------------------

    @classmethod
    def query(cls: type[M]) -> Query[M]:
        """Return a chainable query over this model."""
        return Query(cls)

    @classmethod
    def filter(cls: type[M], *criteria: Any) -> Query[M]:
        """Return a query with SQL *criteria*: ``Post.filter(Post.views > 10)``."""
        return Query(cls).filter(*criteria)

    @classmethod
    def filter_by(cls: type[M], **values: Any) -> Query[M]:
        """Return a query with equality criteria: ``Post.filter_by(author_id=3)``."""
        return Query(cls).filter_by(**values)

    @classmethod
    async def get(cls: type[M], ident: Any) -> M | None:
        """Return the object with primary key *ident*, or None.

        An integer no database column can hold (an id from a URL such as ``/items/2**64``)
        finds nothing, instead of failing in the driver.
        """
        if isinstance(ident, int) and not _fits_primary_key(cls, ident):
            return None

        def action(session: Session) -> M | None:
            return session.get(cls, ident)

        return await read(action)

    @classmethod
    async def find(cls: type[M], **values: Any) -> M | None:
        """Return the first object whose columns equal *values*, or None."""
        return await Query(cls).filter_by(**values).first()

    @classmethod
    async def all(cls: type[M]) -> list[M]:
        """Return every object of this model."""
        return await Query(cls).all()

    # -- writing --------------------------------------------------------------------------

    @classmethod
    async def create(cls: type[M], **values: Any) -> M:
        """Create, save and return a new object."""
        return await cls(**values).save()

    async def save(self: M) -> M:
        """Insert or update this object (committed now unless in a transaction)."""

        async def action(session: AsyncSession) -> None:
            session.add(self)

        await write(action)
        return self

    async def patch(self: M, **values: Any) -> M:
        """Set the columns in *values* and save; an unknown name raises before any change."""
        for name in values:
            check_field(type(self), name)
        for name, value in values.items():
            setattr(self, name, value)
        return await self.save()

    async def destroy(self) -> None:
        """Delete this object (committed now unless in a transaction)."""

        async def action(session: AsyncSession) -> None:
            await session.delete(self)

        await write(action)
