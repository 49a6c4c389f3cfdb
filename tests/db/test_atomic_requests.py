"""ATOMIC_REQUESTS keeps its promise: the commit comes before the response starts.

Each test drives the app through ASGI by hand, so it sees the exact order of events: what
the database holds at the moment ``http.response.start`` goes out, and every message sent.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import event, text

from framework import db
from framework.conf import settings
from framework.db.sessions import RoutingSession
from framework.testing import TestClient
from framework.web import App, Request, StreamingResponse
from tests.web.raw import call_asgi

CONFLICT = {
    "detail": "Conflict with existing data: name is already taken by another row.",
    "errors": [],
}


async def call(app: App, method: str, path: str, on_start: Any = None) -> list[dict[str, Any]]:
    """Send one request to *app*; return every message it sent (*on_start* runs at the start)."""
    response = await call_asgi(app, method, path, on_start=on_start, raise_app_exceptions=False)
    return response.messages


def status_of(sent: list[dict[str, Any]]) -> list[int]:
    return [message["status"] for message in sent if message["type"] == "http.response.start"]


def body_of(sent: list[dict[str, Any]]) -> bytes:
    return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


async def stored_names(models: SimpleNamespace) -> list[str]:
    """Return the category names another session sees (committed data only)."""
    async with db.session():
        return sorted(category.name for category in await models.Category.all())


def atomic_app(models: SimpleNamespace) -> App:
    with settings.override(ATOMIC_REQUESTS=True, DEBUG=False):
        app = App()
    Category = models.Category

    @app.post("/categories/{name}")
    async def create(request: Request, name: str) -> Any:
        category = await Category.create(name=name)
        return {"id": category.id}, 201

    @app.post("/raw/{name}")
    async def raw(request: Request, name: str) -> Any:
        await request.db.execute(
            text("INSERT INTO deferred_child (id, parent) VALUES (1, :p)"), {"p": 9}
        )
        return {"ok": True}, 201

    @app.get("/export")
    async def export(request: Request) -> StreamingResponse:
        await Category.create(name="from-the-handler")

        async def names() -> AsyncIterator[str]:
            # Runs after the handler returned and the request's transaction committed.
            for category in await Category.query().order_by("name").all():
                yield category.name + "\n"
            await Category.create(name="from-the-stream")

        return StreamingResponse(names(), media_type="text/plain")

    return app


async def test_the_row_is_committed_before_the_response_starts(migrated, models) -> None:
    seen: list[list[str]] = []

    async def at_start() -> None:
        seen.append(await stored_names(models))

    sent = await call(atomic_app(models), "POST", "/categories/books", at_start)
    assert status_of(sent) == [201]
    assert seen == [["books"]]


async def test_an_integrity_error_at_commit_is_409_and_nothing_else_is_sent(
    migrated, models, backend
) -> None:
    # A deferred foreign key is checked at COMMIT: the handler's INSERT succeeds, the commit
    # fails. Answering 201 first (and committing after) was the bug.
    async with db.session() as session:
        await session.execute(text("CREATE TABLE deferred_parent (id INTEGER PRIMARY KEY)"))
        await session.execute(
            text(
                "CREATE TABLE deferred_child (id INTEGER PRIMARY KEY, parent INTEGER "
                "REFERENCES deferred_parent (id) DEFERRABLE INITIALLY DEFERRED)"
            )
        )
        await session.commit()
    sent = await call(atomic_app(models), "POST", "/raw/x")
    assert status_of(sent) == [409]
    assert body_of(sent) == (
        b'{"detail":"Conflict with existing data: a row it refers to does not exist, or other '
        b'rows still refer to it.","errors":[]}'
    )
    async with db.session() as session:
        assert (await session.scalar(text("SELECT count(*) FROM deferred_child"))) == 0


async def test_a_failing_commit_is_500_and_nothing_else_is_sent(migrated, models) -> None:
    def refuse(session: Any) -> None:
        raise RuntimeError("the disk is full")

    event.listen(RoutingSession, "before_commit", refuse)
    try:
        sent = await call(atomic_app(models), "POST", "/categories/books")
    finally:
        event.remove(RoutingSession, "before_commit", refuse)
    assert status_of(sent) == [500]
    assert body_of(sent) == b'{"detail":"Internal Server Error","errors":[]}'
    assert await stored_names(models) == []


async def test_a_streaming_body_reads_after_the_commit_and_its_writes_are_kept(
    migrated, models
) -> None:
    seen: list[list[str]] = []

    async def at_start() -> None:
        seen.append(await stored_names(models))

    sent = await call(atomic_app(models), "GET", "/export", at_start)
    assert status_of(sent) == [200]
    assert body_of(sent) == b"from-the-handler\n"
    assert seen == [["from-the-handler"]]
    # After the handler, the request is no longer one transaction: the stream's write
    # committed at once (Django's rule for streaming responses).
    assert await stored_names(models) == ["from-the-handler", "from-the-stream"]


async def test_an_integrity_error_in_the_handler_is_409_naming_the_column(migrated, models) -> None:
    app = atomic_app(models)
    assert status_of(await call(app, "POST", "/categories/books")) == [201]
    sent = await call(app, "POST", "/categories/books")
    assert status_of(sent) == [409]
    assert json.loads(body_of(sent)) == CONFLICT
    assert await stored_names(models) == ["books"]


@pytest.mark.parametrize("atomic", [False, True], ids=["autocommit", "atomic"])
async def test_a_write_refused_by_a_constraint_is_409_without_atomic_requests_too(
    migrated, models, atomic: bool
) -> None:
    with settings.override(ATOMIC_REQUESTS=atomic):
        app = App()

    @app.post("/categories/{name}")
    async def create(request: Request, name: str) -> Any:
        return {"id": (await models.Category.create(name=name)).id}, 201

    assert status_of(await call(app, "POST", "/categories/books")) == [201]
    sent = await call(app, "POST", "/categories/books")
    assert (status_of(sent), body_of(sent)) == (
        [409],
        b'{"detail":"Conflict with existing data: name is already taken by another row.",'
        b'"errors":[]}',
    )


def test_a_websocket_autocommits_instead_of_holding_one_transaction(migrated, models) -> None:
    # A socket may stay open for hours: under ATOMIC_REQUESTS it must not keep one
    # transaction (on SQLite, the write lock) for its whole life.
    app = atomic_app(models)
    seen: list[list[str]] = []

    @app.websocket("/ws")
    async def socket(ws: Any) -> None:
        await ws.accept()
        await models.Category.create(name="from-the-socket")
        seen.append(await stored_names(models))
        await ws.send_text("written")
        await ws.receive_text()

    with TestClient(app) as client, client.websocket_connect("/ws") as ws:
        assert ws.receive_text() == "written"
        ws.send_text("bye")
    assert seen == [["from-the-socket"]]
