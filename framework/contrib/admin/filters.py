"""``list_filter`` names turned into sqladmin filters, by the kind of attribute they name.

* a boolean column: Yes / No;
* a many-to-one relationship, or its foreign-key column: one choice per related object;
* a to-many relationship (a user's ``roles``): rows related to the chosen object;
* any other column: one choice per distinct value.

A filter instance (one of sqladmin's) is used as it is. A value that does not fit the
column (``?author=abc`` for an integer key) is a 400 naming the filter, never a 500.
"""

from __future__ import annotations

from typing import Any

from sqladmin.filters import BooleanFilter
from sqlalchemy import BigInteger, Boolean, Integer, SmallInteger, false, inspect, select
from sqlalchemy.orm import Mapper, RelationshipProperty
from sqlalchemy.sql.expression import Select
from starlette.exceptions import HTTPException
from starlette.requests import Request

__all__ = ["RelatedFilter", "ValuesFilter", "fits_column", "make_filter"]

_ALL = ("", "__all")
#: The widest integer any supported database keeps (64-bit): larger ones are refused.
_INT_RANGE = range(-(2**63), 2**63)


def fits_column(column: Any, value: Any) -> bool:
    """Return whether *value* fits *column*'s integer type (SQL's sizes; other types: True).

    A value that cannot fit matches no row: the database is not asked (PostgreSQL would
    refuse the parameter of an ``integer`` column beyond 32 bits).
    """
    if not isinstance(value, int) or not isinstance(column.type, Integer):
        return True
    bits = (
        64
        if isinstance(column.type, BigInteger)
        else 16
        if isinstance(column.type, SmallInteger)
        else 32
    )
    return bool(-(2 ** (bits - 1)) <= value < 2 ** (bits - 1))


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


class RelatedFilter:
    """Filter by a related object: one choice per object of the related model (its text)."""

    has_operator = False
    template = "sqladmin/filters/lookup_filter.html"

    def __init__(self, relationship: RelationshipProperty[Any], title: str | None = None):
        self.relationship = relationship
        self.parameter_name = relationship.key
        self.title = title or _label(relationship.key)
        self.target = relationship.mapper.class_
        (self.key,) = relationship.mapper.primary_key

    async def lookups(self, request: Request, model: Any, run_query: Any) -> list[tuple[str, str]]:
        """Return ``(primary key, text)`` of every related object, in key order."""
        rows = await run_query(select(self.target).order_by(self.key))
        return [("__all", "All"), *((str(self._key_of(row[0])), str(row[0])) for row in rows)]

    def _key_of(self, obj: Any) -> Any:
        return inspect(obj).identity[0]

    def _value(self, raw: Any) -> Any:
        if not isinstance(self.key.type, Integer):
            return raw
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise _refused(self.parameter_name, raw, "an id") from None

    async def get_filtered_query(self, query: Select[Any], value: Any, model: Any) -> Select[Any]:
        """Keep the rows related to the object whose key is *value*."""
        if value in _ALL:
            return query
        key = self._value(value)
        if not fits_column(self.key, key):
            return query.where(false())
        attribute = getattr(model, self.relationship.key)
        if self.relationship.uselist:
            return query.where(attribute.any(self.key == key))
        return query.where(attribute.has(self.key == key))


def _refused(name: str, raw: Any, what: str) -> HTTPException:
    return HTTPException(400, f"The {name!r} filter takes {what}; got {raw!r}.")


class ValuesFilter:
    """Filter by a column's value: one choice per distinct value in the table."""

    has_operator = False
    template = "sqladmin/filters/lookup_filter.html"

    def __init__(self, column: Any, name: str):
        self.column = column
        self.parameter_name = name
        self.title = _label(name)
        try:
            self.python_type: type = column.type.python_type
        except NotImplementedError:
            self.python_type = str

    async def lookups(self, request: Request, model: Any, run_query: Any) -> list[tuple[str, str]]:
        """Return each distinct value of the column, in order."""
        rows = await run_query(select(self.column).distinct().order_by(self.column))
        values = [str(row[0]) for row in rows if row[0] is not None]
        return [("__all", "All"), *((value, value) for value in values)]

    def _value(self, raw: str) -> Any:
        kind = self.python_type
        if kind is str:
            return raw
        try:
            value = kind.fromisoformat(raw) if hasattr(kind, "fromisoformat") else kind(raw)
        except (TypeError, ValueError, ArithmeticError):
            raise _refused(self.parameter_name, raw, f"a {kind.__name__}") from None
        if isinstance(value, int) and value not in _INT_RANGE:
            raise _refused(self.parameter_name, raw, "a number the database can hold")
        return value

    async def get_filtered_query(self, query: Select[Any], value: Any, model: Any) -> Select[Any]:
        """Keep the rows whose column equals *value*."""
        if value in _ALL:
            return query
        value = self._value(value)
        if not fits_column(self.column, value):
            return query.where(false())
        return query.where(self.column == value)


def make_filter(model: type, entry: Any) -> Any:
    """Return the sqladmin filter for the ``list_filter`` *entry* of *model*."""
    if not isinstance(entry, str):
        return entry
    mapper: Mapper[Any] = inspect(model)
    if entry in mapper.relationships:
        return RelatedFilter(mapper.relationships[entry])
    column = mapper.columns[entry]
    for relationship in mapper.relationships:
        if not relationship.uselist and column in relationship.local_columns:
            filter_ = RelatedFilter(relationship, title=_label(relationship.key))
            filter_.parameter_name = entry
            return filter_
    if isinstance(column.type, Boolean):
        return BooleanFilter(getattr(model, entry), title=_label(entry))
    return ValuesFilter(getattr(model, entry), entry)
