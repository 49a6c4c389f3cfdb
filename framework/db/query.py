"""A chainable, immutable query over one model, and the page ``paginate()`` returns.

``Post.query().filter(Post.published).order_by("-created").limit(10)`` builds a statement;
``await`` one of ``all()``, ``first()``, ``one()``, ``count()`` or ``paginate()`` runs it in the
active session. Outside a transaction, a read ends the transaction it started, so no
connection sits "idle in transaction" and SQLite never holds a stale snapshot; such a lone
read sends neither ``BEGIN`` nor ``COMMIT`` (SQLite, and PostgreSQL through asyncpg).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import MultipleResultsFound, NoResultFound
from sqlalchemy.orm import Session
from sqlalchemy.util.concurrency import greenlet_spawn

from framework.db.engines import engines
from framework.db.errors import INT64_MAX, QueryValueError, out_of_range
from framework.db.expiry import rollback_and_reload
from framework.db.lone_reads import install_lone_read_hooks
from framework.db.models import database_alias
from framework.db.rows import (
    RowShape,
    as_dicts,
    as_flat,
    as_named,
    as_tuples,
    check_field,
    selected_columns,
)
from framework.db.sessions import SessionScope, bound_connection, current_scope
from framework.db.sqlite import LONE_READ

__all__ = ["Page", "Query", "read"]

install_lone_read_hooks()

M = TypeVar("M")
T = TypeVar("T")
#: What a read runs on: the session (objects) or, for rows alone, a pooled connection.
Executor = Session | Connection


async def read(action: Callable[[Session], T]) -> T:
    """Run the read *action* in the active session; end the transaction it began, if any.

    *action* is synchronous and runs, with the commit that ends a transaction it began, in
    one greenlet: a lone read costs SQLAlchemy's async bridge once instead of twice.
    An integer the database cannot hold (an id or a filter value from a URL) is a
    :class:`~framework.db.errors.QueryValueError`, which web requests answer with ``400``.
    """
    scope = current_scope()
    session = scope.session
    began = scope.atomic_depth == 0 and not session.in_transaction()
    # Nothing to autoflush: the read needs no BEGIN (framework.db.sqlite, framework.db.lone_reads).
    lone = began and not (session.new or session.dirty or session.deleted)
    token = LONE_READ.set(True) if lone else None
    try:
        return await session.run_sync(_read_and_end, action, began)
    except BaseException as exc:
        if began:
            await rollback_and_reload(session, in_outer_transaction=False)
        refused = out_of_range(exc) if isinstance(exc, Exception) else None
        if refused is not None and refused is not exc:
            raise refused from exc
        raise
    finally:
        if token is not None:
            LONE_READ.reset(token)


def _read_and_end(session: Session, action: Callable[[Session], T], began: bool) -> T:
    """Run *action*; commit the transaction it began (a no-op ``COMMIT`` for a lone read)."""
    result = action(session)
    if began:
        session.commit()
    return result


def idle(scope: SessionScope) -> bool:
    """Return whether *scope* has no transaction open and nothing waiting to be flushed."""
    if scope.atomic_depth or not scope.started:
        return not scope.atomic_depth
    session = scope.session
    return not (session.in_transaction() or session.new or session.dirty or session.deleted)


async def read_rows(alias: str, action: Callable[[Connection], T]) -> T:
    """Run the read *action* on a pooled connection of *alias*, outside any session.

    For rows that become no ORM object (``values()``): outside a transaction, with nothing
    for the session to flush, the read needs neither the session nor a transaction of its
    own, so a request that only lists rows never creates ``request.db``. Checkout, read and
    return to the pool run in one greenlet.
    """
    token = LONE_READ.set(True)
    try:
        return await greenlet_spawn(_on_connection, engines.get(alias).sync_engine, action)
    except Exception as exc:
        refused = out_of_range(exc)
        if refused is not None and refused is not exc:
            raise refused from exc
        raise
    finally:
        LONE_READ.reset(token)


def _on_connection(engine: Engine, action: Callable[[Connection], T]) -> T:
    with engine.connect() as connection:
        return action(connection)


@dataclass(frozen=True)
class Page(Generic[M]):
    """One page of results with what a paginated API or template needs."""

    items: list[M]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """Return the number of pages (0 when there are no results)."""
        return math.ceil(self.total / self.per_page) if self.total else 0

    @property
    def has_next(self) -> bool:
        """Return whether a page follows this one."""
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        """Return whether a page precedes this one."""
        return self.page > 1


class Query(Generic[M]):
    """An immutable ``SELECT`` of one model: each method returns a new query.

    Its rows are the model's objects, or, after :meth:`values` or :meth:`values_list`,
    plain dicts or tuples of the chosen columns.
    """

    def __init__(self, model: type[M], statement: Select[Any] | None = None) -> None:
        self.model: type[Any] = model
        self.statement: Select[Any] = select(model) if statement is None else statement
        #: Turns a list of result rows into the query's items; None: ORM objects.
        self.shape: RowShape | None = None

    def _with(self, statement: Select[Any]) -> Query[M]:
        return self._shaped(statement, self.shape)

    def _shaped(self, statement: Select[Any], shape: RowShape | None) -> Query[Any]:
        query: Query[Any] = Query.__new__(Query)
        query.model, query.statement, query.shape = self.model, statement, shape
        return query

    def filter(self, *criteria: Any) -> Query[M]:
        """Add SQL criteria: ``filter(Post.views > 10, Post.title.like("a%"))``."""
        return self._with(self.statement.where(*criteria))

    def filter_by(self, **values: Any) -> Query[M]:
        """Add equality criteria by column name: ``filter_by(author_id=3)``."""
        for name in values:
            check_field(self.model, name)
        return self._with(self.statement.filter_by(**values))

    def where(self, *criteria: Any, **values: Any) -> Query[M]:
        """Add SQL criteria and equalities by column name: ``where(Post.views > 10, author_id=3)``.

        ``filter()`` and ``filter_by()`` in one call (PyJolt's and Patera's spelling).
        """
        query = self._with(self.statement.where(*criteria)) if criteria else self
        return query.filter_by(**values) if values else query

    def outerjoin(self, target: Any, *on: Any) -> Query[M]:
        """Left-join *target* (``join(..., outer=True)``): rows without a match are kept."""
        return self.join(target, *on, outer=True)

    def distinct(self) -> Query[M]:
        """Return each object once (after a join that matches several rows of the model)."""
        return self._with(self.statement.distinct())

    def like(self, column: Any, pattern: str, escape: str | None = None) -> Query[M]:
        """Keep rows whose *column* (an attribute or its name) matches the SQL LIKE *pattern*.

        ``%`` matches any text and ``_`` one character; *escape* names the character that
        makes them literal. Case sensitivity is the database's (SQLite: ASCII-insensitive).
        """
        return self._with(self.statement.where(self._column(column).like(pattern, escape=escape)))

    def ilike(self, column: Any, pattern: str, escape: str | None = None) -> Query[M]:
        """Keep rows whose *column* matches *pattern*, ignoring case (ILIKE / lower() LIKE)."""
        expression = self._column(column).ilike(pattern, escape=escape)
        return self._with(self.statement.where(expression))

    def _column(self, column: Any) -> Any:
        if isinstance(column, str):
            check_field(self.model, column)
            return getattr(self.model, column)
        return column

    def order_by(self, *columns: Any) -> Query[M]:
        """Order by columns or names (``"-created"`` sorts descending)."""
        clauses = []
        for column in columns:
            if isinstance(column, str):
                descending = column.startswith("-")
                name = column.lstrip("-")
                check_field(self.model, name)
                attribute = getattr(self.model, name)
                column = attribute.desc() if descending else attribute.asc()
            clauses.append(column)
        return self._with(self.statement.order_by(*clauses))

    def join(self, target: Any, *on: Any, outer: bool = False) -> Query[M]:
        """Join *target* (a model or relationship) to filter or order by its columns.

        ``Post.query().join(Post.author).filter(Author.name == "ann")``; rows are still
        posts. To load related objects with the rows, use :meth:`options` instead.
        """
        return self._with(self.statement.join(target, *on, isouter=outer))

    def options(self, *options: Any) -> Query[M]:
        """Add loader options: ``options(selectinload(Author.books))`` loads them eagerly.

        With async SQLAlchemy a relationship must be loaded before it is read (an attribute
        access cannot wait for the database), so load what a response needs here.
        """
        return self._with(self.statement.options(*options))

    def limit(self, count: int | None) -> Query[M]:
        """Return at most *count* rows (None removes the limit)."""
        return self._with(self.statement.limit(count))

    def offset(self, count: int | None) -> Query[M]:
        """Skip the first *count* rows."""
        return self._with(self.statement.offset(count))

    def values(self, *fields: Any, **expressions: Any) -> Query[dict[str, Any]]:
        """Return rows as dicts of the chosen columns, without building ORM objects.

        ``values("id", "title")`` (names or attributes; none: every column) and named
        expressions (``values("id", upper=func.upper(Post.title))``) become the keys. Chain
        ``filter()``, ``order_by()``… before or after; ``all()``, ``first()``, ``one()``
        and ``paginate()`` then return dicts, ready for a response or ``@output``.
        """
        columns = selected_columns(self.model, fields, expressions, named=True)
        return self._shaped(self.statement.with_only_columns(*columns), as_dicts)

    def values_list(self, *fields: Any, flat: bool = False, named: bool = False) -> Query[Any]:
        """Return rows as tuples of the chosen columns, without building ORM objects.

        ``flat=True`` with one field returns its values (``[1, 2, 3]``); ``named=True``
        returns named tuples (``row.title``). Fields are names, attributes or expressions.
        """
        if flat and named:
            raise TypeError("values_list() takes flat=True or named=True, not both.")
        if flat and len(fields) != 1:
            raise TypeError(
                "values_list(flat=True) takes exactly one field; "
                f"got {len(fields)}. Use values_list(...) for tuples of several."
            )
        columns = selected_columns(self.model, fields, {}, named=named)
        shape = as_flat if flat else as_named if named else as_tuples
        return self._shaped(self.statement.with_only_columns(*columns), shape)

    def _count_statement(self) -> Select[Any]:
        inner = self.statement.order_by(None).limit(None).offset(None).subquery()
        return select(func.count()).select_from(inner)

    async def _read(self, action: Callable[[Executor], T], *, objects: bool) -> T:
        """Run *action*: in the session when it makes *objects*, else outside it if idle."""
        if not objects:
            alias = database_alias(self.model)
            if bound_connection(alias) is None and idle(current_scope()):
                return await read_rows(alias, action)
        return await read(action)

    def _fetch(self, executor: Executor, statement: Select[Any]) -> list[M]:
        """Run *statement*; return its objects, or its rows in the query's shape."""
        if self.shape is None:
            return list(executor.scalars(statement).all())
        return self.shape(executor.execute(statement))

    async def all(self) -> list[M]:
        """Return every matching object (or row, after ``values()``/``values_list()``)."""

        def action(executor: Executor) -> list[M]:
            return self._fetch(executor, self.statement)

        return await self._read(action, objects=self.shape is None)

    async def first(self) -> M | None:
        """Return the first match, or None."""

        def action(executor: Executor) -> M | None:
            found = self._fetch(executor, self.statement.limit(1))
            return found[0] if found else None

        return await self._read(action, objects=self.shape is None)

    async def one(self) -> M:
        """Return the only match; raise ``NoResultFound``/``MultipleResultsFound`` otherwise."""

        def action(executor: Executor) -> M:
            if self.shape is None:
                found_one: M = executor.scalars(self.statement).one()
                return found_one
            found = self._fetch(executor, self.statement)
            if not found:
                raise NoResultFound("No row was found when one was required")
            if len(found) > 1:
                raise MultipleResultsFound("Multiple rows were found when exactly one was required")
            return found[0]

        return await self._read(action, objects=self.shape is None)

    async def count(self) -> int:
        """Return the number of matches (ignoring order, limit and offset)."""

        def action(executor: Executor) -> int:
            return int(executor.scalar(self._count_statement()) or 0)

        return await self._read(action, objects=False)

    async def paginate(
        self, page: int = 1, per_page: int = 20, *, max_per_page: int | None = 100
    ) -> Page[M]:
        """Return page *page* (from 1) of *per_page* items, capped at *max_per_page*.

        A page past the end is empty (its ``total`` still tells the caller how many exist),
        however large its number; a page or size below 1 is a
        :class:`~framework.db.errors.QueryValueError` (``400`` in a web request).
        """
        if page < 1 or per_page < 1:
            raise QueryValueError(
                f"page and per_page start at 1; got page={page}, per_page={per_page}."
            )
        if max_per_page is not None:
            per_page = min(per_page, max_per_page)
        offset = (page - 1) * per_page
        # Past the largest OFFSET a database accepts no row can be: an empty page, no query.
        beyond = offset > INT64_MAX
        statement = self.statement.limit(min(per_page, INT64_MAX)).offset(offset)

        def action(executor: Executor) -> Page[M]:
            total = int(executor.scalar(self._count_statement()) or 0)
            found = total and not beyond
            items = self._fetch(executor, statement) if found else []
            return Page(items=items, total=total, page=page, per_page=per_page)

        return await self._read(action, objects=self.shape is None)
