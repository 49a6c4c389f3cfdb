"""Each request and WebSocket gets a lazy database scope: request.db, CRUD, ATOMIC_REQUESTS."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from framework.conf import settings
from framework.db import engines, session
from framework.testing import AsyncClient, TestClient
from framework.web import App, Request, StreamingResponse


def make_app(models: SimpleNamespace) -> App:
    """Return an app whose routes write and read posts in different ways."""
    app = App()
    Post = models.Post

    @app.get("/nothing")
    async def nothing(request: Request) -> str:
        return "no database here"

    @app.get("/session")
    async def same_session(request: Request) -> dict[str, Any]:
        return {"same": request.db is request.db, "async": isinstance(request.db, AsyncSession)}

    @app.post("/posts")
    async def create(request: Request) -> dict[str, Any]:
        post = await Post.create(title="created")
        return {"id": post.id}

    @app.post("/create-then-fail")
    async def create_then_fail(request: Request) -> None:
        await Post.create(title="first")
        await Post.create(title="second")
        raise RuntimeError("after two writes")

    @app.post("/raw-then-fail")
    async def raw_then_fail(request: Request) -> None:
        request.db.add(Post(title="raw"))
        await request.db.flush()
        raise RuntimeError("before commit")

    @app.post("/raw-commit")
    async def raw_commit(request: Request) -> str:
        request.db.add(Post(title="raw"))
        await request.db.commit()
        return "ok"

    @app.get("/stream")
    async def stream(request: Request) -> StreamingResponse:
        async def titles():
            # Runs after the handler returned: the scope is still open while sending.
            for post in await Post.all():
                yield post.title + "\n"

        return StreamingResponse(titles(), media_type="text/plain")

    @app.websocket("/ws")
    async def socket(ws: Any) -> None:
        await ws.accept()
        count = await ws.db.scalar(select(func.count()).select_from(Post))
        await ws.send_json({"count": count, "same": ws.db is ws.db})
        await ws.close()

    return app


async def count_posts(models: SimpleNamespace) -> int:
    async with session() as db:
        return int(await db.scalar(select(func.count()).select_from(models.Post)))


async def test_request_db_is_one_session_per_request(migrated, models) -> None:
    async with AsyncClient(make_app(models)) as client:
        assert (await client.get("/session")).json() == {"same": True, "async": True}


async def test_crud_writes_commit_at_once(migrated, models) -> None:
    async with AsyncClient(make_app(models)) as client:
        assert (await client.post("/posts")).json() == {"id": 1}
    assert await count_posts(models) == 1


async def test_without_atomic_requests_each_crud_write_is_kept(migrated, models) -> None:
    async with AsyncClient(make_app(models), raise_server_exceptions=False) as client:
        assert (await client.post("/create-then-fail")).status_code == 500
    assert await count_posts(models) == 2


async def test_atomic_requests_roll_back_every_write_of_a_failed_request(migrated, models) -> None:
    with settings.override(ATOMIC_REQUESTS=True):
        app = make_app(models)
        async with AsyncClient(app, raise_server_exceptions=False) as client:
            assert (await client.post("/create-then-fail")).status_code == 500
            assert await count_posts(models) == 0
            assert (await client.post("/posts")).status_code == 200
    assert await count_posts(models) == 1


async def test_uncommitted_raw_work_is_rolled_back_on_error(migrated, models) -> None:
    async with AsyncClient(make_app(models), raise_server_exceptions=False) as client:
        assert (await client.post("/raw-then-fail")).status_code == 500
        assert (await client.post("/raw-commit")).text == "ok"
    assert await count_posts(models) == 1


async def test_a_request_that_never_uses_the_database_takes_no_connection(migrated, models) -> None:
    checkouts: list[object] = []
    engine = engines.get("default").sync_engine

    def count(*args: object) -> None:
        checkouts.append(args)

    event.listen(engine, "checkout", count)
    try:
        async with AsyncClient(make_app(models)) as client:
            assert (await client.get("/nothing")).text == "no database here"
            assert checkouts == []
            await client.get("/session")
            assert len(checkouts) == 0  # a session alone does not connect
            await client.post("/posts")
            assert len(checkouts) == 1
        assert engine.pool.checkedout() == 0
    finally:
        event.remove(engine, "checkout", count)


async def test_streaming_response_reads_after_the_handler_returned(migrated, models) -> None:
    async with AsyncClient(make_app(models)) as client:
        await client.post("/posts")
        await client.post("/posts")
        assert (await client.get("/stream")).text == "created\ncreated\n"


def test_websocket_has_its_own_session(migrated, models) -> None:
    with TestClient(make_app(models)) as client, client.websocket_connect("/ws") as ws:
        assert ws.receive_json() == {"count": 0, "same": True}


def test_request_db_outside_a_served_request_names_the_fix() -> None:
    from framework.exceptions import ImproperlyConfigured
    from framework.web.requests import scope_db

    with pytest.raises(ImproperlyConfigured) as error:
        scope_db({}, "request")
    assert str(error.value) == (
        "request.db is only available while an App serves the connection (the endpoint opens "
        "the database scope); outside requests use 'async with db.session():'."
    )
