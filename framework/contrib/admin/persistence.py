"""Writes made through the admin: the change and its admin-log entry in one transaction.

sqladmin commits each change in a session of its own and reports it afterwards; here the
object is changed in one atomic ``db.session()`` (routed by alias, like ``request.db``) and
the ``LogEntry`` is added to the same unit of work — a failed write leaves neither the
change nor its entry. What changed is read from SQLAlchemy's attribute
history before the flush: ``{"field": [old, new]}``, relationships as the related objects'
text, sensitive fields as ``"(changed)"``.

A database error the user caused (a duplicate value, a value the column refuses) becomes an
:class:`AdminWriteError` whose message names the problem without the SQL statement or its
parameters (which could include a password hash).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import inspect, or_, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.sql.expression import Select
from starlette.requests import Request

from framework.contrib.admin.options import admin_user

__all__ = [
    "CHANGED",
    "AdminWriteError",
    "changed_fields",
    "describe_value",
    "load_objects",
    "record",
    "snapshot",
    "writing",
]

#: What the log records for a sensitive field.
CHANGED = "(changed)"


class AdminWriteError(ValueError):
    """A write was refused by the database; the message is safe to show in the form."""


def describe_value(value: Any) -> Any:
    """Return *value* as JSON can hold it (objects as their text)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return describe_value(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [describe_value(item) for item in value]
    return str(value)


def snapshot(obj: Any, sensitive: Sequence[str] = ()) -> dict[str, Any]:
    """Return the loaded attributes of *obj* as the log shows them (before a change)."""
    state = inspect(obj)
    values: dict[str, Any] = {}
    for key in [prop.key for prop in state.mapper.attrs]:
        if key in state.unloaded:
            continue
        value = getattr(obj, key)
        values[key] = _SENSITIVE_MARK(value) if key in sensitive else describe_value(value)
    return values


def _SENSITIVE_MARK(value: Any) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()


def changed_fields(
    before: dict[str, Any], obj: Any, sensitive: Sequence[str] = ()
) -> dict[str, Any]:
    """Return ``{"field": [old, new]}`` for each attribute of *obj* that differs from *before*.

    *before* is :func:`snapshot` of the object before the change (empty for a new object);
    compared by value, so a flush in between (a query that autoflushes) loses nothing.
    """
    after = snapshot(obj, sensitive)
    changes: dict[str, Any] = {}
    for key, value in after.items():
        old = before.get(key)
        if key not in before and (value is None or value == []):
            continue
        if old != value:
            changes[key] = CHANGED if key in sensitive else [old, value]
    return changes


def record(
    session: AsyncSession,
    request: Request,
    label: str,
    target: tuple[Any, str],
    action: str,
    changes: dict[str, Any],
) -> None:
    """Add the log entry of *action* on *target* (its id and text) to *session*'s transaction."""
    from framework.contrib.admin.models import LogEntry

    user = admin_user(request)
    identifier, text = target
    session.add(
        LogEntry(
            user_id=getattr(user, "id", None),
            username=str(getattr(user, "username", "")),
            model=label,
            object_id=str(identifier)[:200],
            object_repr=text[:200],
            action=action[:100],
            changes=json.dumps(changes, ensure_ascii=False, sort_keys=True),
        )
    )


async def load_objects(
    session: AsyncSession,
    model: type,
    statements: Sequence[Select[Any]],
    relations: Sequence[Any] = (),
) -> list[Any]:
    """Return the *model* objects the identifier *statements* select, in one query."""
    conditions = [stmt.whereclause for stmt in statements if stmt.whereclause is not None]
    if not conditions:
        return []
    stmt: Select[Any] = select(model).where(or_(*conditions))
    for relation in relations:
        stmt = stmt.options(selectinload(relation))
    return list((await session.execute(stmt)).scalars().unique().all())


@asynccontextmanager
async def writing() -> AsyncIterator[AsyncSession]:
    """Give a session of its own, one transaction; user-caused DB errors read clearly.

    Not the request's session: a rollback there would expire what the page still shows
    (the logged-in user). CRUD helpers and ``transaction()`` inside use this session.
    """
    from framework.db import session

    try:
        async with session(atomic=True) as own:
            yield own
    except DBAPIError as exc:  # raised by a statement or by the commit
        raise _clear(exc) from None


def _clear(exc: DBAPIError) -> AdminWriteError:
    """Return the error to show for *exc*: the database's first line, no SQL, no values."""
    original = str(getattr(exc, "orig", exc)).strip().splitlines()
    reason = original[0] if original else type(exc).__name__
    if isinstance(exc, IntegrityError):
        return AdminWriteError(
            f"The database refused the change: a value is missing, already taken or still "
            f"referred to ({reason})."
        )
    return AdminWriteError(f"The database refused a value ({reason}).")
