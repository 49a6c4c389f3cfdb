"""A request session that concurrent resolvers may share: one statement at a time.

graphql-core resolves sibling fields, and the items of a list, concurrently. An
``AsyncSession`` refuses concurrent use ("this session is provisioning a new connection;
concurrent operations are not permitted"), so two resolvers that both touch ``info.context.db``
would fail at random. The GraphQL endpoint therefore gives its request a
:class:`SerialSession`: the same session and transaction for every resolver, each async
operation waiting for the one before it. (A resolver that needs real parallelism opens its
own ``async with db.session():``.)
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from framework.db.schema import AwaitableSession
from framework.db.sessions import new_session

__all__ = ["SerialSession", "new_serial_session"]

#: The ``AsyncSession`` methods that run IO (the others are bookkeeping with no await).
_SERIALIZED = (
    "close",
    "commit",
    "connection",
    "delete",
    "execute",
    "flush",
    "get",
    "get_one",
    "invalidate",
    "merge",
    "refresh",
    "reset",
    "rollback",
    "run_sync",
    "scalar",
    "scalars",
    "stream",
    "stream_scalars",
)


class _TaskLock:
    """A lock its holder task may take again (``scalars`` awaits ``execute``)."""

    def __init__(self) -> None:
        self._lock = asyncio.Lock()
        self._owner: asyncio.Task[Any] | None = None

    @asynccontextmanager
    async def hold(self) -> AsyncIterator[None]:
        task = asyncio.current_task()
        if task is not None and self._owner is task:
            yield
            return
        async with self._lock:
            self._owner = task
            try:
                yield
            finally:
                self._owner = None


def _serialized(name: str) -> Callable[..., Any]:
    method = getattr(AsyncSession, name)

    @functools.wraps(method)
    async def run(self: SerialSession, *args: Any, **kwargs: Any) -> Any:
        async with self._serial.hold():
            return await method(self, *args, **kwargs)

    return run


class SerialSession(AwaitableSession):
    """An ``AsyncSession`` whose operations from concurrent tasks run one after another.

    Awaitable like every request session, so ``session = await request.db`` works in a
    resolver as in a handler.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._serial = _TaskLock()

    locals().update({name: _serialized(name) for name in _SERIALIZED})


def new_serial_session() -> AsyncSession:
    """Return a session configured like ``framework.db.new_session()``, but serial."""
    return new_session(SerialSession)
