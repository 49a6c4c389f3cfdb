"""Database errors a client can cause, recognised whatever the driver, and said in words.

Two kinds of driver errors come from bad input rather than bad code: an integer the database
cannot hold (SQLite integers and PostgreSQL ``bigint`` have 64 bits, ``integer`` 32), and an
integrity error (a unique value already taken, a missing referenced row). The web layer
answers them with ``400`` and ``409`` through :func:`client_error`; code outside requests
sees :class:`QueryValueError` from the query helpers.

:class:`LazyLoadError` replaces SQLAlchemy's ``MissingGreenlet`` where async code touches an
attribute that is not loaded (an object expired by a rollback, a lazy relationship), with
the fix in its message.
"""

from __future__ import annotations

import re
from typing import Any

from framework.exceptions import FrameworkError

__all__ = [
    "INT64_MAX",
    "LazyLoadError",
    "QueryValueError",
    "client_error",
    "conflict_detail",
    "out_of_range",
]

#: The largest integer SQLite and PostgreSQL (``bigint``, ``OFFSET``, ``LIMIT``) accept.
INT64_MAX = 2**63 - 1

_SQLITE_OVERFLOW = "too large to convert to SQLite INTEGER"
_ASYNCPG_RANGE = re.compile(
    r"query argument \$\d+: (?P<value>.{1,60}?) \(value out of (?P<kind>int\d+) range\)"
)
_SQLITE_INTEGRITY = re.compile(
    r"(?P<kind>UNIQUE|NOT NULL|CHECK|FOREIGN KEY) constraint failed(?:: (?P<what>.*))?"
)
_POSTGRES_KEY = re.compile(r"Key \((?P<columns>.+?)\)=")
_POSTGRES_KINDS = {"23505": "UNIQUE", "23503": "FOREIGN KEY", "23502": "NOT NULL", "23514": "CHECK"}


class QueryValueError(FrameworkError, ValueError):
    """A value given to a query cannot be used: a number out of range, a page below 1.

    It comes from the client's input in a web request (an id or page number from the URL),
    so the web layer answers it with ``400``.
    """


class LazyLoadError(FrameworkError, RuntimeError):
    """Async code touched an attribute that would need a lazy load; the message has the fix."""


def out_of_range(exc: BaseException) -> QueryValueError | None:
    """Return a :class:`QueryValueError` for a driver's refusal of an out-of-range integer."""
    if isinstance(exc, QueryValueError):
        return exc
    if isinstance(exc, OverflowError) and _SQLITE_OVERFLOW in str(exc):
        return QueryValueError(
            "A number in the query is out of the database's range (SQLite integers have 64 bits)."
        )
    if type(exc).__module__.startswith("sqlalchemy"):
        match = _ASYNCPG_RANGE.search(str(getattr(exc, "orig", None) or exc))
        if match:
            bits = match["kind"].removeprefix("int")
            return QueryValueError(
                f"The number {match['value']} is out of the database's range (a {bits}-bit "
                "integer column)."
            )
    return None


def conflict_detail(exc: BaseException) -> str | None:
    """Return what an integrity error conflicts with, in words; None if *exc* is not one."""
    from sqlalchemy.exc import IntegrityError

    if not isinstance(exc, IntegrityError):
        return None
    kind, what = _integrity_kind(exc.orig)
    prefix = "Conflict with existing data: "
    if kind == "UNIQUE":
        return prefix + f"{what or 'a unique value'} is already taken by another row."
    if kind == "FOREIGN KEY":
        return prefix + "a row it refers to does not exist, or other rows still refer to it."
    if kind == "NOT NULL":
        return prefix + f"{what or 'a required column'} cannot be empty."
    if kind == "CHECK":
        return prefix + f"the check {what or 'constraint'} is not met."
    return prefix + "the database refused the change (integrity error)."


def _integrity_kind(orig: Any) -> tuple[str, str]:
    """Return the constraint kind and the columns (or constraint) named by a driver error."""
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if code in _POSTGRES_KINDS:
        driver = getattr(orig, "__cause__", None) or orig
        detail = str(getattr(driver, "detail", None) or "")
        key = _POSTGRES_KEY.search(detail)
        column = getattr(driver, "column_name", None)
        constraint = getattr(driver, "constraint_name", None)
        return _POSTGRES_KINDS[code], (key["columns"] if key else column or constraint or "")
    match = _SQLITE_INTEGRITY.search(str(orig))
    if match is None:
        return "", ""
    names = [name.strip().rpartition(".")[2] for name in (match["what"] or "").split(",")]
    return match["kind"], ", ".join(name for name in names if name)


def client_error(exc: BaseException) -> tuple[str, str] | None:
    """Return ``("conflict" | "invalid", detail)`` for a database error the client caused.

    ``conflict`` is an integrity error (the web layer answers ``409``), ``invalid`` a value
    the query cannot use (``400``); anything else is None: a server error.
    """
    detail = conflict_detail(exc)
    if detail is not None:
        return "conflict", detail
    value_error = out_of_range(exc)
    if value_error is not None:
        return "invalid", str(value_error)
    return None
