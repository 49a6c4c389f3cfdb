"""Lone reads on PostgreSQL send no BEGIN or COMMIT; transactions still see one snapshot.

The transaction-control statements asyncpg sends are recorded with its query logger (it logs
``BEGIN``, ``COMMIT`` and ``ROLLBACK``, which go through ``Connection.execute``), and the
server tells which reads shared a transaction: ``now()`` is the start of the transaction, the
same for every statement in one, different for statements in transactions of their own.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import event, func, text

from framework import db
from framework.conf import settings
from framework.db import engines
from framework.web import App, Request
from tests.web.raw import call_asgi

pytestmark = pytest.mark.parametrize("backend", ["postgres"], indirect=True)


class SentControl:
    """The transaction-control statements (first word) asyncpg sends while recording."""

    def __init__(self) -> None:
        self.words: list[str] = []

    def __call__(self, record: Any) -> None:
        self.words.append(record.query.split()[0].rstrip(";").upper())

    async def take(self) -> list[str]:
        """Return what was sent since the last call (the logger reports through the loop)."""
        loop = asyncio.get_running_loop()
        delivered = loop.create_future()
        loop.call_soon(delivered.set_result, None)  # runs after the logger's callbacks
        await delivered
        words, self.words = self.words, []
        return words


@contextmanager
def control_statements() -> Iterator[SentControl]:
    """Record the transaction-control statements of every connection the engine lends."""
    sent = SentControl()
    pool = engines.get().sync_engine.pool
    watched: list[Any] = []

    def on_checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        connection = dbapi_connection.driver_connection
        if connection not in watched:
            connection.add_query_logger(sent)
            watched.append(connection)

    event.listen(pool, "checkout", on_checkout)
    try:
        yield sent
    finally:
        event.remove(pool, "checkout", on_checkout)
        for connection in watched:
            connection.remove_query_logger(sent)


async def test_lone_reads_send_no_begin_or_commit(migrated: dict[str, str], models) -> None:
    Post = models.Post
    with control_statements() as sent:
        async with db.session():
            post = await Post.create(title="first")
            assert await sent.take() == ["BEGIN", "COMMIT"]  # a write keeps its transaction
            found = await Post.get(post.id)
            assert found is post
            assert [p.title for p in await Post.query().filter_by(title="first").all()] == ["first"]
            assert await Post.query().count() == 1
            assert (await Post.query().paginate(1, 10)).total == 1
            first = await Post.query().values("title", started=func.now()).all()
            second = await Post.query().values("title", started=func.now()).all()
            assert await sent.take() == []
            assert first[0]["title"] == "first"
            assert first != second  # each read was a transaction of its own


async def test_reads_in_a_transaction_share_one(migrated: dict[str, str], models) -> None:
    Post = models.Post
    with control_statements() as sent:
        async with db.session():
            await Post.create(title="first")
            await sent.take()
            async with db.transaction():
                await Post.get(1)
                first = await Post.query().values(started=func.now()).all()
                await Post.query().count()
                second = await Post.query().values(started=func.now()).all()
            assert await sent.take() == ["BEGIN", "COMMIT"]
            assert second == first  # one transaction, one start
            async with db.transaction():
                again = await Post.query().values(started=func.now()).all()
            assert again != first  # a new transaction, a new start
            await sent.take()
            async with db.session(atomic=True):
                await Post.query().count()
                await Post.query().count()
            assert await sent.take() == ["BEGIN", "COMMIT"]


async def test_a_pending_write_keeps_the_read_in_a_transaction(
    migrated: dict[str, str], models
) -> None:
    with control_statements() as sent:
        async with db.session() as session:
            session.add(models.Post(title="pending"))
            await models.Post.query().count()  # autoflush: the INSERT and the read, together
            assert await sent.take() == ["BEGIN"]  # the raw session's user commits, or not
        assert await sent.take() == ["ROLLBACK"]


async def test_connections_go_back_to_the_pool_as_configured(
    migrated: dict[str, str], models
) -> None:
    async with db.session():
        await models.Post.query().count()
    async with engines.get().connect() as connection:
        raw = await connection.get_raw_connection()
        assert raw.driver_connection is not None
        assert not raw.dbapi_connection.autocommit
        await connection.execute(text("SELECT 1"))
        assert connection.in_transaction()


async def test_a_chosen_isolation_level_keeps_the_transaction(
    migrated: dict[str, str], models
) -> None:
    url = settings.DATABASES["default"]
    options = {"URL": url, "OPTIONS": {"isolation_level": "REPEATABLE READ"}}
    databases = {**settings.DATABASES, "default": options}
    with settings.override(DATABASES=databases), control_statements() as sent:
        async with db.session():
            await models.Post.get(1)
            assert await sent.take() == ["BEGIN", "COMMIT"]
            await models.Post.query().count()  # on a connection of its own, given back
            assert await sent.take() == ["BEGIN", "ROLLBACK"]


def reading_app(*, atomic: bool, models: SimpleNamespace) -> App:
    with settings.override(ATOMIC_REQUESTS=atomic, DEBUG=False):
        app = App()
    Post = models.Post

    @app.get("/twice")
    async def twice(request: Request) -> Any:
        first = await Post.query().values(started=func.now()).all()
        await Post.get(1)
        second = await Post.query().values(started=func.now()).all()
        return {"one_transaction": first == second}

    return app


@pytest.mark.parametrize(
    ("atomic", "one_transaction", "control"),
    [(True, True, ["BEGIN", "COMMIT"]), (False, False, [])],
)
async def test_atomic_requests_read_in_one_transaction(
    migrated: dict[str, str], models, atomic: bool, one_transaction: bool, control: list[str]
) -> None:
    async with db.session():
        await models.Post.create(title="first")
    app = reading_app(atomic=atomic, models=models)
    with control_statements() as sent:
        response = await call_asgi(app, "GET", "/twice")
        assert response.status == 200, response.body
        assert await sent.take() == control
    assert json.loads(response.body) == {"one_transaction": one_transaction}
