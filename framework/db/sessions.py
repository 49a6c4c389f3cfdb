"""Sessions: one per request or per ``async with db.session():`` block, found by context.

The active :class:`SessionScope` lives in a context variable, so CRUD helpers, queries and
``transaction()`` find the session of the code that is running without passing it around.
A scope creates its ``AsyncSession`` lazily (a request that never touches the database
never checks out a connection), always closes it, and rolls back on any error.

The web layer wraps each request in :func:`request_scope` and exposes ``scope.session`` as
``request.db``; commands, scripts and tests use :func:`session`.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import logging
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from typing import Any, NamedTuple

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import Session

from framework.db.config import DEFAULT_ALIAS
from framework.db.engines import engines
from framework.db.expiry import refuse_implicit_io
from framework.db.models import database_alias
from framework.db.schema import AwaitableSession
from framework.exceptions import FrameworkError

__all__ = [
    "CommitHook",
    "NoSessionError",
    "RequestSessions",
    "RoutingSession",
    "SessionScope",
    "TransactionManagementError",
    "activate_scope",
    "bind_connections",
    "bound_connection",
    "current_scope",
    "current_scope_or_none",
    "current_session",
    "new_session",
    "request_scope",
    "session",
]

logger = logging.getLogger("framework.db")

_current: contextvars.ContextVar[SessionScope | None] = contextvars.ContextVar(
    "framework_db_scope", default=None
)
# Connections every new session uses instead of the engines (the test database fixture).
_bound: dict[str, AsyncConnection] | None = None


class NoSessionError(FrameworkError, RuntimeError):
    """Database code ran where no session is active; the message says how to get one."""

    def __init__(self) -> None:
        super().__init__(
            "No database session is active: requests have one as request.db; in commands, "
            "scripts and tests wrap the code in 'async with db.session():' "
            "(from framework import db)."
        )


class TransactionManagementError(FrameworkError, RuntimeError):
    """A transaction was left in a state that cannot be committed."""


class CommitHook(NamedTuple):
    """A callback waiting for the commit, with the transaction depth it was registered at."""

    depth: int
    func: Callable[[], Any]


class RoutingSession(Session):
    """Session that sends each model's statements to the engine of its database alias."""

    def get_bind(
        self, mapper: Any = None, clause: Any = None, **kwargs: Any
    ) -> Engine | Connection:
        """Return the engine (or the test connection) of the alias of *mapper*'s model.

        ``bind_arguments={"alias": ...}`` picks an alias directly (raw SQL on a database).
        """
        alias = kwargs.get("alias") or (
            database_alias(mapper.class_) if mapper is not None else DEFAULT_ALIAS
        )
        if _bound is not None and alias in _bound:
            connection = _bound[alias].sync_connection
            if connection is None:
                raise TransactionManagementError(
                    f"The test connection bound to database {alias!r} is not open."
                )
            return connection
        return engines.session_bind(alias)


# Touching an expired attribute or a lazy relationship from async code: a clear error that
# says what to do, instead of SQLAlchemy's MissingGreenlet.
event.listen(RoutingSession, "do_orm_execute", refuse_implicit_io)


def new_session(session_class: type[AsyncSession] = AwaitableSession) -> AsyncSession:
    """Return a fresh ``AsyncSession`` routed by alias (objects stay usable after commit)."""
    return session_class(
        sync_session_class=RoutingSession,
        expire_on_commit=False,
        # Bound to a connection already in a transaction (tests), commits become savepoints.
        join_transaction_mode="create_savepoint",
    )


class SessionScope:
    """The session of one request or block: created on first use, closed at the end.

    ``atomic`` scopes (``ATOMIC_REQUESTS``) are one transaction: committed when the block
    ends without error, rolled back otherwise.
    """

    def __init__(self, *, atomic: bool = False) -> None:
        self.atomic = atomic
        #: Open ``transaction()`` blocks; an atomic scope counts as the outermost one.
        self.atomic_depth = 1 if atomic else 0
        #: Set when an error escaped a joined block: the transaction may only roll back.
        self.needs_rollback = False
        #: Makes the session on first use; a handler may replace it before then (GraphQL
        #: resolvers share one session through a class that runs one statement at a time).
        self.session_factory: Callable[[], AsyncSession] = new_session
        #: ``on_commit`` callbacks waiting for the outermost commit.
        self.commit_hooks: list[CommitHook] = []
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        """Return the scope's session, creating it now if this is the first use."""
        if self._session is None:
            self._session = self.session_factory()
        return self._session

    @property
    def started(self) -> bool:
        """Return whether the session was ever created."""
        return self._session is not None

    async def end_atomic(self) -> None:
        """Commit the atomic block now; what runs afterwards autocommits (Django's rule).

        The web layer calls it when the handler has returned, before the response starts,
        so a client never hears of a write that is not committed. A streaming body still
        reads (and writes, each committed at once) through the same open session. The
        ``on_commit`` callbacks of the transaction run right after its commit.
        """
        if not self.atomic:
            return
        self.atomic = False
        self.atomic_depth -= 1
        session = self._session
        if session is None or self.needs_rollback:
            self.commit_hooks = []
            if session is not None:
                raise TransactionManagementError(
                    "An error inside a transaction(savepoint=False) block was caught, so the "
                    "request's transaction was rolled back instead of committed."
                )
            return
        try:
            await session.commit()
        except BaseException:
            self.commit_hooks = []
            raise
        await self.run_commit_hooks()

    def discard_hooks(self, above: int = 0) -> None:
        """Forget the ``on_commit`` callbacks registered deeper than *above* (a rollback)."""
        self.commit_hooks = [hook for hook in self.commit_hooks if hook.depth <= above]

    def keep_hooks(self, at: int) -> None:
        """Hand the callbacks of a released savepoint to the enclosing level *at*."""
        self.commit_hooks = [
            hook if hook.depth <= at else hook._replace(depth=at) for hook in self.commit_hooks
        ]

    async def run_commit_hooks(self) -> None:
        """Call the callbacks of a committed transaction in order; log failures and go on."""
        hooks, self.commit_hooks = self.commit_hooks, []
        for hook in hooks:
            try:
                result = hook.func()
                if inspect.isawaitable(result):
                    await result
            except Exception:
                logger.exception("on_commit callback %r failed", hook.func)

    async def finish(self, error: BaseException | None) -> None:
        """End the scope: commit an atomic scope on success, roll back on error, close."""
        session = self._session
        if session is None:
            self.commit_hooks = []
            return
        committed = False
        try:
            if error is None and self.atomic and not self.needs_rollback:
                await session.commit()
                committed = True
            elif session.in_transaction():
                await session.rollback()
            if error is None and self.atomic and self.needs_rollback:
                raise TransactionManagementError(
                    "An error inside a transaction(savepoint=False) block was caught, so the "
                    "request's transaction was rolled back instead of committed."
                )
        finally:
            if not committed:
                self.commit_hooks = []
            self._session = None
            if session.in_transaction():
                # Shielded: a cancelled request must still return its connection to the pool.
                await asyncio.shield(session.close())
            else:
                # No connection held: closing only clears the identity map, with no IO, so
                # it runs here instead of through the async bridge (a greenlet per request).
                session.sync_session.close()
        await self.run_commit_hooks()


def current_scope() -> SessionScope:
    """Return the active scope, or raise :class:`NoSessionError` saying how to open one."""
    scope = _current.get()
    if scope is None:
        raise NoSessionError()
    return scope


def current_scope_or_none() -> SessionScope | None:
    """Return the active scope, or None outside requests and ``db.session()`` blocks."""
    return _current.get()


def current_session() -> AsyncSession:
    """Return the active session (created lazily); see :func:`current_scope`."""
    return current_scope().session


@asynccontextmanager
async def _scoped(scope: SessionScope) -> AsyncIterator[SessionScope]:
    token = _current.set(scope)
    try:
        yield scope
    except BaseException as exc:
        await scope.finish(exc)
        raise
    else:
        await scope.finish(None)
    finally:
        _current.reset(token)


@asynccontextmanager
async def session(*, atomic: bool = False) -> AsyncIterator[AsyncSession]:
    """Open a session for a command, script, shell or test: ``async with db.session() as s:``.

    CRUD writes inside commit at once unless wrapped in ``transaction()``; with *atomic* the
    whole block is one transaction. The session is closed (uncommitted work rolled back)
    when the block ends.
    """
    async with _scoped(SessionScope(atomic=atomic)) as scope:
        yield scope.session


@asynccontextmanager
async def request_scope(*, atomic: bool | None = None) -> AsyncIterator[SessionScope]:
    """Give the code inside a lazily created session: what the web layer wraps requests in.

    *atomic* defaults to the ``ATOMIC_REQUESTS`` setting. ``scope.session`` is
    ``request.db``; it is only created if used, rolled back on any error and always closed.
    """
    if atomic is None:
        from framework.conf import settings

        atomic = bool(settings.ATOMIC_REQUESTS)
    async with _scoped(SessionScope(atomic=atomic)) as scope:
        yield scope


class RequestSessions:
    """What the web layer opens around every request: a lazy scope, entered cheaply.

    ``enter()`` makes a new :class:`SessionScope` current (no session, no connection yet) and
    ``exit()`` finishes it only if the request used it, so requests that never touch the
    database pay two context-variable operations. The returned state is stored on the
    request; ``state[0].session`` is ``request.db``.
    """

    __slots__ = ("atomic",)

    def __init__(self, *, atomic: bool = False) -> None:
        #: Whether each request is one transaction (``ATOMIC_REQUESTS``).
        self.atomic = atomic

    def enter(
        self, *, atomic: bool | None = None
    ) -> tuple[SessionScope, contextvars.Token[SessionScope | None]]:
        """Make a fresh lazy scope current; return what :meth:`exit` needs.

        *atomic* overrides ``ATOMIC_REQUESTS`` for this scope: a WebSocket connection, which
        may stay open for hours, autocommits rather than holding one transaction open.
        """
        scope = SessionScope(atomic=self.atomic if atomic is None else atomic)
        return scope, _current.set(scope)

    async def commit(
        self, state: tuple[SessionScope, contextvars.Token[SessionScope | None]]
    ) -> None:
        """Commit an atomic request's transaction before its response starts.

        A failing commit raises here, so the client gets an error (``409`` for an integrity
        error, ``500`` otherwise) instead of a success for a write that never happened.
        """
        await state[0].end_atomic()

    async def exit(
        self,
        state: tuple[SessionScope, contextvars.Token[SessionScope | None]],
        error: BaseException | None,
    ) -> None:
        """Finish the scope (commit or roll back, close) if it was used, then deactivate it."""
        scope, token = state
        try:
            if scope.started:
                await scope.finish(error)
        finally:
            _current.reset(token)


@contextmanager
def bind_connections(connections: Mapping[str, AsyncConnection]) -> Iterator[None]:
    """Make every new session use *connections* (by alias) instead of the engines.

    The test database fixture binds connections inside an outer transaction that it rolls
    back after each test; sessions then commit to savepoints inside it.
    """
    global _bound
    previous, _bound = _bound, dict(connections)
    try:
        yield
    finally:
        _bound = previous


def bound_connection(alias: str) -> AsyncConnection | None:
    """Return the connection bound to *alias* by :func:`bind_connections`, if any."""
    return None if _bound is None else _bound.get(alias)


def activate_scope(scope: SessionScope | None) -> SessionScope | None:
    """Make *scope* the active one in the current context; return the one it replaces.

    For fixtures that set up and tear down in different tasks, where a context variable
    token cannot be reset.
    """
    previous = _current.get()
    _current.set(scope)
    return previous
