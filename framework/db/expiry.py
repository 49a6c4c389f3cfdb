"""What a rollback does to loaded objects, and why touching one never raises ``MissingGreenlet``.

SQLAlchemy expires every object of the session when a transaction rolls back (and the
objects changed inside a savepoint when the savepoint does), so that the next access reloads
them from the database. In async code that reload cannot happen implicitly: an attribute
access is not awaited, and SQLAlchemy fails with ``MissingGreenlet``.

The framework handles it in two places:

* after a rollback it performs itself (a failed CRUD write, a failed ``transaction()``
  block or savepoint, a failed query), :func:`rollback_and_reload` reloads the expired
  objects at once, in one ``SELECT`` per model, so they hold the database's values again;
  an object whose row is gone is removed from the session;
* anywhere else (``await request.db.rollback()`` in user code, a lazy relationship),
  :func:`refuse_implicit_io` turns the would-be ``MissingGreenlet`` into a
  :class:`~framework.db.errors.LazyLoadError` that says what to do.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.util.concurrency import in_greenlet

from framework.db.errors import LazyLoadError
from framework.db.sqlite import LONE_READ

__all__ = ["refuse_implicit_io", "reload_expired", "rollback_and_reload"]

logger = logging.getLogger("framework.db")

#: Primary keys per ``IN (...)`` list: well under every database's parameter limit.
_BATCH = 500


def refuse_implicit_io(state: ORMExecuteState) -> None:
    """Raise :class:`LazyLoadError` where async code would trigger an implicit load.

    A ``do_orm_execute`` listener: loads that SQLAlchemy runs on behalf of an attribute
    access happen outside its greenlet, where the driver cannot be awaited.
    """
    if in_greenlet() or not (state.is_column_load or state.is_relationship_load):
        return  # checked first: every statement the framework itself runs is in a greenlet
    mapper = state.bind_mapper
    name = mapper.class_.__name__ if mapper is not None else "The object"
    if state.is_relationship_load:
        raise LazyLoadError(
            f"A relationship of {name} is not loaded, and async code cannot load it lazily: "
            "load it with the query (.options(selectinload(...))) or await it "
            "(await obj.awaitable_attrs.<name>)."
        )
    raise LazyLoadError(
        f"This {name} object is expired (a rollback expires the objects of its session), and "
        "async code cannot reload it implicitly: reload it first with "
        "'await request.db.refresh(obj)' (or current_session().refresh(obj)), or fetch it "
        f"again with {name}.get(...)."
    )


async def rollback_and_reload(session: AsyncSession, *, in_outer_transaction: bool) -> None:
    """Roll back *session*, then reload the objects the rollback expired."""
    await session.rollback()
    await reload_expired(session, in_outer_transaction=in_outer_transaction)


async def reload_expired(session: AsyncSession, *, in_outer_transaction: bool) -> None:
    """Reload every expired object of *session* (one ``SELECT`` per model and batch).

    Outside an outer transaction the reads run without ``BEGIN`` and the session is left
    with no transaction, as before the failed write. A failure leaves the objects expired
    (touching one then raises :class:`LazyLoadError`); the original error matters more.
    """
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        return  # the request is being cancelled: nobody will touch the objects again
    expired: dict[type[Any], list[Any]] = defaultdict(list)
    for obj in list(session.identity_map.values()):
        if sa_inspect(obj).expired:
            expired[type(obj)].append(obj)
    if not expired:
        return
    token = None if in_outer_transaction else LONE_READ.set(True)
    try:
        for model, objects in expired.items():
            await _reload(session, model, objects)
        if not in_outer_transaction:
            await session.commit()
    except Exception:
        logger.warning("Could not reload objects expired by a rollback", exc_info=True)
        if not in_outer_transaction and session.in_transaction():
            await session.rollback()
    finally:
        if token is not None:
            LONE_READ.reset(token)


async def _reload(session: AsyncSession, model: type[Any], objects: list[Any]) -> None:
    """Reload *objects* of *model*; drop from the session those whose row is gone."""
    mapper = sa_inspect(model)
    columns = mapper.primary_key
    key = columns[0] if len(columns) == 1 else tuple_(*columns)
    for start in range(0, len(objects), _BATCH):
        batch = objects[start : start + _BATCH]
        idents = [_ident(mapper, obj) for obj in batch]
        statement = select(model).where(key.in_(idents)).execution_options(populate_existing=True)
        found = {id(obj) for obj in (await session.scalars(statement)).all()}
        for obj in batch:
            if id(obj) not in found:
                session.expunge(obj)


def _ident(mapper: Any, obj: Any) -> Any:
    identity = sa_inspect(obj).identity
    return identity[0] if len(mapper.primary_key) == 1 else tuple(identity)
