"""The sessions sqladmin reads through: each read outside a transaction, as CRUD reads run.

sqladmin opens a short session for every read of a page (the count, the rows, a filter's
choices, an object to show). Through the framework's ordinary sessions each one began a
transaction in the alias's ``transaction_mode`` — ``BEGIN IMMEDIATE`` on SQLite — so every
page took the database's write lock twice, and concurrent pages queued for it until one
waited past ``busy_timeout`` and failed with "database is locked". A read needs no
transaction: each statement is atomic on its own, and in WAL mode it reads while another
connection writes. So, like a CRUD read outside a transaction, a read of these sessions
sends no ``BEGIN``; the session's (empty) transaction ends right after it, so anything the
session does afterwards begins a real one. The admin's own writes run in
``persistence.writing()``, one transaction begun in the alias's mode.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from framework.db.sessions import RoutingSession
from framework.db.sqlite import LONE_READ

__all__ = ["ReadSession", "session_maker"]


class ReadSession(RoutingSession):
    """A routed session whose reads, outside a transaction with nothing pending, run lone."""

    def execute(self, *args: Any, **kwargs: Any) -> Result[Any]:
        """Run a statement; a read with nothing to flush and no transaction, without ``BEGIN``."""
        result: Result[Any] = self._alone(super().execute, args, kwargs)
        return result

    def scalar(self, *args: Any, **kwargs: Any) -> Any:
        """Return the first column of the first row; read as :meth:`execute` reads."""
        return self._alone(super().scalar, args, kwargs)

    def _alone(self, run: Callable[..., Any], args: Any, kwargs: dict[str, Any]) -> Any:
        """Call *run* without a transaction if it may: a ``SELECT`` ``AsyncSession`` prebuffers.

        Only reads whose rows are all in memory when *run* returns (``AsyncSession``'s
        ``execute``, ``scalars`` and ``scalar``): the connection is released right after, so
        nothing may be left to fetch from it. Other statements (an ``UPDATE`` passed to
        ``execute``, a stream) begin a transaction as usual.
        """
        options = kwargs.get("execution_options") or {}
        if not options.get("prebuffer_rows") or options.get("stream_results"):
            return run(*args, **kwargs)
        statement = args[0] if args else kwargs.get("statement")
        if not getattr(statement, "is_select", False):
            return run(*args, **kwargs)
        if self.in_transaction() or self.new or self.deleted or self.dirty:
            return run(*args, **kwargs)
        token = LONE_READ.set(True)
        try:
            result = run(*args, **kwargs)
            if isinstance(result, CursorResult) and result.returns_rows:
                result = result.freeze()()  # a Core result: read every row now
        except BaseException:
            self.rollback()
            raise
        finally:
            LONE_READ.reset(token)
        self.commit()  # no BEGIN was sent: nothing to commit, but the next statement begins anew
        return result


def session_maker() -> async_sessionmaker[AsyncSession]:
    """Return the sessions sqladmin reads through: routed by alias, test binding honoured."""
    return async_sessionmaker(
        class_=AsyncSession,
        sync_session_class=ReadSession,
        expire_on_commit=False,
        join_transaction_mode="create_savepoint",
    )
