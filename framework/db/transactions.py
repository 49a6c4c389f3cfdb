"""``transaction``: make a block of database work commit together or not at all.

Django's semantics, so no write is silently lost or half-applied::

    @transaction
    async def transfer(src, dst, amount): ...

    async with transaction():
        await Order.create(...)
        await Stock.patch(...)

The outermost block commits when it ends without error and rolls back otherwise. A nested
block is a savepoint: its error rolls back only its own work. With ``savepoint=False`` a
nested block joins the outer one: its error dooms the whole transaction. Nothing commits
twice: only the outermost block (or an atomic request) ever commits.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, ParamSpec, TypeVar, overload

from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction

from framework.db.expiry import reload_expired, rollback_and_reload
from framework.db.sessions import SessionScope, TransactionManagementError, current_scope

__all__ = ["Atomic", "transaction"]

P = ParamSpec("P")
R = TypeVar("R")

_JOINED = object()


class Atomic:
    """The context manager (and decorator) behind :func:`transaction`."""

    def __init__(self, *, savepoint: bool = True) -> None:
        self.savepoint = savepoint
        # A stack, so one instance may be entered again while active (recursion).
        self._frames: list[tuple[SessionScope, object]] = []

    async def __aenter__(self) -> AsyncSession:
        scope = current_scope()
        session = scope.session
        frame: object = None
        if scope.atomic_depth > 0:
            frame = await session.begin_nested() if self.savepoint else _JOINED
        scope.atomic_depth += 1
        self._frames.append((scope, frame))
        return session

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        scope, frame = self._frames.pop()
        scope.atomic_depth -= 1
        if frame is None:
            await _end_outermost(scope, failed=exc is not None)
        elif frame is _JOINED:
            if exc is not None:
                scope.needs_rollback = True
        elif isinstance(frame, AsyncSessionTransaction):
            if exc is None:
                if frame.is_active:
                    await frame.commit()
                    scope.keep_hooks(at=scope.atomic_depth)
                return
            if frame.is_active:
                await frame.rollback()
            scope.discard_hooks(above=scope.atomic_depth)
            # The savepoint's rollback expired what it changed: reload it in the outer block.
            await reload_expired(scope.session, in_outer_transaction=True)

    def __call__(self, function: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        """Decorate *function* so each call runs inside its own ``transaction()`` block."""
        savepoint = self.savepoint

        @functools.wraps(function)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            async with Atomic(savepoint=savepoint):
                return await function(*args, **kwargs)

        return wrapper


async def _end_outermost(scope: SessionScope, *, failed: bool) -> None:
    session = scope.session
    doomed = scope.needs_rollback
    scope.needs_rollback = False
    if failed or doomed:
        scope.discard_hooks()
        await rollback_and_reload(session, in_outer_transaction=False)
        if doomed and not failed:
            raise TransactionManagementError(
                "An error inside a transaction(savepoint=False) block was caught, so the "
                "transaction was rolled back instead of committed."
            )
        return
    try:
        await session.commit()
    except BaseException:
        scope.discard_hooks()
        await rollback_and_reload(session, in_outer_transaction=False)
        raise
    await scope.run_commit_hooks()


@overload
def transaction(function: Callable[P, Awaitable[R]], /) -> Callable[P, Awaitable[R]]: ...


@overload
def transaction(*, savepoint: bool = True) -> Atomic: ...


def transaction(function: Any = None, /, *, savepoint: bool = True) -> Any:
    """Run a block (``async with transaction():``) or a function (``@transaction``) atomically.

    Needs an active session (a request's, or ``async with db.session():``). *savepoint*
    chooses what a nested block does: roll back alone (True) or join the outer one (False).
    """
    atomic = Atomic(savepoint=savepoint)
    return atomic if function is None else atomic(function)
