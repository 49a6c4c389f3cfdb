"""Columns by name, and rows as plain values: what ``values()`` and ``values_list()`` return.

A query of ORM objects builds one object per row and puts it in the session's identity
map, which a response that only serialises a few columns never needs.
``Post.query().values("id", "title")`` selects those columns and returns each row as a
``dict``; ``values_list(...)`` as a ``tuple`` (``flat=True``: the single column's values,
``named=True``: named tuples), the way Django's ``QuerySet.values()`` does.
"""

from __future__ import annotations

import difflib
from collections import namedtuple
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Result
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import Label

__all__ = [
    "RowShape",
    "as_dicts",
    "as_flat",
    "as_named",
    "as_tuples",
    "check_field",
    "column_names",
    "selected_columns",
]

#: Turns an executed result into the query's items (a list of dicts, tuples or values).
RowShape = Callable[[Result[Any]], list[Any]]


def column_names(model: type[Any]) -> list[str]:
    """Return the mapped attribute names of *model*, for "did you mean" hints."""
    return [attr.key for attr in sa_inspect(model).mapper.column_attrs]


def check_field(model: type[Any], name: str) -> None:
    """Raise ``AttributeError`` naming *name* and close matches unless it is a column."""
    if name in sa_inspect(model).column_attrs:  # the mapper's memoized index: no list built
        return
    names = column_names(model)
    message = f"{model.__name__} has no column {name!r}"
    close = difflib.get_close_matches(name, names, n=1)
    message += f"; did you mean {close[0]!r}?" if close else f" (columns: {', '.join(names)})."
    raise AttributeError(message)


def selected_columns(
    model: type[Any], fields: Sequence[Any], expressions: dict[str, Any], *, named: bool
) -> list[Any]:
    """Return the columns to select: *fields* (names, attributes) then labelled *expressions*.

    With neither, every mapped column of *model*. With *named*, each column needs a name
    (a column name, a model attribute or a keyword), since it becomes a key of the row.
    """
    if not fields and not expressions:
        return [getattr(model, name) for name in column_names(model)]
    columns = []
    for field in fields:
        if isinstance(field, str):
            check_field(model, field)
            columns.append(getattr(model, field))
        elif named and not isinstance(field, QueryableAttribute | Label):
            raise TypeError(
                f"{field!r} has no name to use as a key: pass it as a keyword, "
                "e.g. values(total=func.count(Post.id))."
            )
        else:
            columns.append(field)
    columns += [expression.label(name) for name, expression in expressions.items()]
    return columns


def as_dicts(result: Result[Any]) -> list[dict[str, Any]]:
    """Return each row of *result* as a ``dict`` of column name to value."""
    keys = tuple(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result.all()]


def as_tuples(result: Result[Any]) -> list[tuple[Any, ...]]:
    """Return each row of *result* as a plain ``tuple``."""
    return [tuple(row) for row in result.all()]


def as_flat(result: Result[Any]) -> list[Any]:
    """Return the first column's value of each row of *result*."""
    return list(result.scalars().all())


def as_named(result: Result[Any]) -> list[tuple[Any, ...]]:
    """Return each row of *result* as a named tuple (``row.title`` and ``row[1]``)."""
    make = _named_tuple(tuple(result.keys()))._make
    return [make(row) for row in result.all()]


@lru_cache(maxsize=256)
def _named_tuple(keys: tuple[str, ...]) -> Any:
    """Return the named tuple class for *keys* (made once: building one compiles code)."""
    return namedtuple("Row", keys, rename=True)
