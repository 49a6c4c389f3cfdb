"""Batch loading: N objects asking for a related row cost one query, not N.

graphql-core starts the resolvers of every item of a list before awaiting any of them, so a
loader can collect their keys and fetch them together. ``info.context.load(Author, id)``
and ``info.context.load_all(Comment.post_id, id)`` use one :class:`DataLoader` per column
and request; :class:`DataLoader` itself batches any ``async def batch(keys) -> values``.

::

    @strawberry.field
    async def author(self, info: Info) -> AuthorType | None:
        return await info.context.load(Author, self.author_id)        # one query for the page

    @strawberry.field
    async def comments(self, info: Info) -> list[CommentType]:
        return await info.context.load_all(Comment.post_id, self.id)  # one query as well
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Iterable, Sequence
from typing import Any, Generic, TypeVar

__all__ = ["DataLoader", "column_of", "rows_by_column"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
BatchFunction = Callable[[list[Any]], Awaitable[Sequence[Any]]]


class DataLoader(Generic[K, V]):
    """Collect the keys asked for in one turn of the event loop; fetch them in one call.

    *batch* receives the distinct keys, in the order first asked, and returns one value per
    key in that order. Values are cached for the loader's life (one request), so asking
    twice for a key costs nothing; an error in *batch* reaches every waiting caller.
    """

    def __init__(self, batch: Callable[[list[K]], Awaitable[Sequence[V]]]) -> None:
        self.batch = batch
        self._cache: dict[K, asyncio.Future[V]] = {}
        self._pending: list[K] = []

    def load(self, key: K) -> asyncio.Future[V]:
        """Return a future of the value of *key*, fetched with the other keys of this turn."""
        future = self._cache.get(key)
        if future is None:
            loop = asyncio.get_running_loop()
            future = loop.create_future()
            self._cache[key] = future
            if not self._pending:
                loop.call_soon(self._dispatch)
            self._pending.append(key)
        return future

    async def load_many(self, keys: Iterable[K]) -> list[V]:
        """Return the values of *keys*, in order."""
        return list(await asyncio.gather(*(self.load(key) for key in keys)))

    def _dispatch(self) -> None:
        keys, self._pending = self._pending, []
        task = asyncio.get_running_loop().create_task(self._fetch(keys))
        task.add_done_callback(_retrieve)

    async def _fetch(self, keys: list[K]) -> None:
        futures = [self._cache[key] for key in keys]
        try:
            values = list(await self.batch(keys))
            if len(values) != len(keys):
                raise ValueError(
                    f"The batch function {getattr(self.batch, '__qualname__', self.batch)} "
                    f"returned {len(values)} values for {len(keys)} keys; it must return one "
                    "value per key, in order."
                )
        except BaseException as exc:
            for key, future in zip(keys, futures, strict=True):
                self._cache.pop(key, None)  # a later request may try again
                if not future.done():
                    future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for future, value in zip(futures, values, strict=True):
            if not future.done():
                future.set_result(value)


def _retrieve(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()  # errors were handed to the callers; keep asyncio quiet


def column_of(target: Any) -> Any:
    """Return the column *target* names: a model (its primary key) or a model attribute."""
    from sqlalchemy import inspect as inspect_sqlalchemy

    if isinstance(target, type):
        mapper: Any = inspect_sqlalchemy(target, raiseerr=False)
        if mapper is None or len(mapper.primary_key) != 1:
            raise TypeError(
                f"load() needs a model with a one-column primary key or a model attribute "
                f"such as Comment.post_id; got {target!r}."
            )
        return getattr(target, mapper.primary_key[0].key)
    if not hasattr(target, "class_") or not hasattr(target, "in_"):
        raise TypeError(f"Expected a model attribute such as Comment.post_id; got {target!r}.")
    return target


async def rows_by_column(session: Any, column: Any, keys: list[Any]) -> dict[Any, list[Any]]:
    """Return the rows of *column*'s model whose *column* is one of *keys*, grouped by it."""
    from sqlalchemy import inspect as inspect_sqlalchemy
    from sqlalchemy import select

    model = column.class_
    found: dict[Any, list[Any]] = {key: [] for key in keys}
    if not keys:
        return found
    order = inspect_sqlalchemy(model).primary_key
    query = select(model).where(column.in_(keys)).order_by(*order)
    rows = (await session.scalars(query)).all()
    name = column.key
    for row in rows:
        found.setdefault(getattr(row, name), []).append(row)
    return found
