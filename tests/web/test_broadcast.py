"""Broadcast in one process: the three backends against real servers, limits, slow
subscribers, history, configuration errors. Across processes: tests/e2e/test_shared_state.py.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest

from framework.checks import Error, run_checks
from framework.conf import settings
from framework.exceptions import ImproperlyConfigured, MissingDependencyError
from framework.testing import TestClient
from framework.web import (
    App,
    Broadcast,
    BroadcastError,
    Controller,
    SlowSubscriberError,
    broadcast,
    last_event_id,
    websocket,
)
from framework.web.broadcasting import Event
from framework.web.broadcasting.postgres import MAX_PAYLOAD_BYTES
from framework.web.sse import ServerSentEvent
from tests.support.databases import postgres_server_url
from tests.support.redisserver import redis_database_url

TIMEOUT = 30


def memory() -> dict[str, Any]:
    return {"BACKEND": "memory", "OPTIONS": {"max_queue": 5}}


def redis(**options: Any) -> dict[str, Any]:
    return {"BACKEND": "redis", "LOCATION": redis_database_url(), "OPTIONS": options}


def postgres() -> dict[str, Any]:
    return {"BACKEND": "postgres", "OPTIONS": {"max_queue": 5}}


@pytest.fixture(params=["memory", "redis", "postgres"])
async def hub(request: pytest.FixtureRequest) -> AsyncIterator[Broadcast]:
    """Return a broadcast on each backend, on a real server; closed after the test."""
    if request.param == "postgres":
        with settings.override(DATABASES={"default": postgres_server_url()}):
            made = Broadcast(postgres())
            yield made
            await made.aclose()
        return
    made = Broadcast(memory() if request.param == "memory" else redis(max_queue=5))
    yield made
    await made.aclose()


async def next_event(events: Any) -> Event:
    return await asyncio.wait_for(anext(events), TIMEOUT)


async def test_subscribers_receive_what_is_published_once_subscribed(hub: Broadcast) -> None:
    await hub.publish("room:1", {"text": "before anyone listens"})
    async with (
        hub.subscribe("room:1") as first,
        hub.subscribe("room:1") as second,
        hub.subscribe("room:2") as other,
    ):
        await hub.publish("room:1", {"text": "hi", "n": [1, 2]})
        await hub.publish("room:2", "elsewhere")
        assert await next_event(first) == Event("room:1", {"text": "hi", "n": [1, 2]})
        assert (await next_event(second)).message == {"text": "hi", "n": [1, 2]}
        assert (await next_event(other)).message == "elsewhere"


async def test_a_slow_subscriber_is_dropped_while_others_keep_receiving(
    hub: Broadcast, caplog: pytest.LogCaptureFixture
) -> None:
    async with hub.subscribe("news") as slow, hub.subscribe("news") as fast:
        with caplog.at_level(logging.WARNING, "framework.web.broadcast"):
            for number in range(8):  # the queue holds 5
                await hub.publish("news", number)
                assert (await next_event(fast)).message == number
        assert slow.dropped
        with pytest.raises(SlowSubscriberError, match="more than 5 events were waiting"):
            await next_event(slow)
        await hub.publish("news", "still here")
        assert (await next_event(fast)).message == "still here"
    assert "Broadcast subscriber of 'news' disconnected: it fell 5 events behind" in caplog.text


async def test_messages_must_be_json_and_channels_plain_names() -> None:
    hub = Broadcast(memory())
    with pytest.raises(TypeError, match="messages must be JSON values"):
        await hub.publish("room", object())
    for channel in ["", "x" * 257, "a\nb", 7]:
        with pytest.raises(ValueError, match="broadcast channel"):
            await hub.publish(channel, 1)  # type: ignore[arg-type]
    await hub.aclose()


async def test_redis_history_replays_after_last_event_id() -> None:
    hub = Broadcast(redis(history=100))
    ids = [await hub.publish("feed", number) for number in range(3)]
    assert all(isinstance(event_id, str) for event_id in ids)
    async with hub.subscribe("feed", last_event_id=ids[0]) as events:
        await hub.publish("feed", 3)
        received = [await next_event(events) for _ in range(3)]
    assert [(event.message, event.id) for event in received[:2]] == [(1, ids[1]), (2, ids[2])]
    assert received[2].message == 3  # live, after the replay, not twice
    await hub.aclose()


async def test_redis_history_that_lost_events_starts_with_a_gap() -> None:
    hub = Broadcast(redis(history=2))
    first = await hub.publish("feed", 0)
    for number in range(1, 300):  # trimmed by whole blocks of about 100 entries
        await hub.publish("feed", number)
    for resume in [first, "not-an-id"]:
        async with hub.subscribe("feed", last_event_id=resume) as events:
            assert (await next_event(events)).is_gap
    async with hub.subscribe("other", last_event_id=first) as events:  # no such stream
        assert (await next_event(events)).is_gap
    await hub.aclose()


async def test_postgres_payload_limit_at_and_over() -> None:
    with settings.override(DATABASES={"default": postgres_server_url()}):
        hub = Broadcast(postgres())
        at_limit = "x" * (MAX_PAYLOAD_BYTES - 2)  # the JSON string adds two quotes
        async with hub.subscribe("big") as events:
            await hub.publish("big", at_limit)
            assert (await next_event(events)).message == at_limit
            with pytest.raises(BroadcastError) as refused:
                await hub.publish("big", at_limit + "é")
        await hub.aclose()
    assert str(refused.value) == (
        "The message for broadcast channel 'big' is 8001 bytes as JSON; PostgreSQL NOTIFY "
        "carries at most 7999. Publish a reference (an id the subscribers load) instead, or "
        "use the redis backend."
    )


async def test_postgres_backend_needs_a_postgresql_alias() -> None:
    hub = Broadcast({"BACKEND": "postgres"})
    with pytest.raises(ImproperlyConfigured, match="alias 'default' is sqlite"):
        await hub.publish("x", 1)


async def test_unreachable_redis_is_a_clear_error() -> None:
    hub = Broadcast({"BACKEND": "redis", "LOCATION": "redis://user:secret@127.0.0.1:1/0"})
    with pytest.raises(BroadcastError) as publish_error:
        await hub.publish("room", 1)
    with pytest.raises(BroadcastError, match="Could not subscribe to broadcast channel 'room'"):
        async with hub.subscribe("room"):
            pass
    await hub.aclose()
    assert str(publish_error.value).startswith(
        "Could not publish to broadcast channel 'room': Redis at "
        "redis://user:***@127.0.0.1:1/0 is unreachable ("
    )


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            {"BACKEND": "redis", "LOCATON": "redis://x"},
            "BROADCAST has an unknown key 'LOCATON' (known: BACKEND, LOCATION, OPTIONS). "
            "Did you mean 'LOCATION'?",
        ),
        (
            {"BACKEND": "rediss"},
            "BROADCAST has an unknown BACKEND 'rediss' (known: memory, postgres, redis). "
            "Did you mean 'redis'?",
        ),
        (
            {"BACKEND": "redis", "LOCATION": "redis://x", "OPTIONS": {"histroy": 5}},
            "BROADCAST has an unknown redis option 'histroy' (known: history, history_ttl, "
            "max_queue, prefix). Did you mean 'history'?",
        ),
        (
            {"OPTIONS": {"max_queue": 0}},
            "BROADCAST OPTIONS 'max_queue' is 0: give the number of events that may wait for "
            "one subscriber (at least 1; default 1000).",
        ),
        (
            {"BACKEND": "postgres", "LOCATION": "postgresql://db"},
            "BROADCAST['LOCATION'] is 'postgresql://db', but the postgres backend uses a database "
            "of DATABASES: remove LOCATION and name the alias in OPTIONS={'database': 'default'}.",
        ),
    ],
)
def test_a_bad_setting_is_a_system_check_error(setting: dict[str, Any], message: str) -> None:
    with settings.override(BROADCAST=setting):
        found = [m for m in run_checks(tags=["broadcast"]) if m.id == "broadcast.E001"]
        if "LOCATION'] is" in message:  # found when the backend is made
            with pytest.raises(ImproperlyConfigured) as caught:
                Broadcast(setting).config.create_backend()
            assert str(caught.value) == message
            return
    assert found == [Error(message, "Fix BROADCAST in the settings.", "broadcast.E001")]


def test_the_memory_backend_is_named_by_check_deploy_when_scaled_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    assert [m.id for m in run_checks(tags=["broadcast"], include_deployment=True)] == []
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    found = run_checks(tags=["broadcast"], include_deployment=True)
    assert [m.id for m in found] == ["broadcast.W001"]
    assert "(the server runs 4 worker processes)" in found[0].msg
    monkeypatch.delenv("WEB_CONCURRENCY")
    with settings.override(DATABASES={"default": "postgresql+asyncpg://db/site"}):
        assert [m.id for m in run_checks(tags=["broadcast"], include_deployment=True)] == [
            "broadcast.W001"
        ]
    with settings.override(BROADCAST=redis()):
        monkeypatch.setenv("WEB_CONCURRENCY", "4")
        assert run_checks(tags=["broadcast"], include_deployment=True) == []


def test_a_missing_client_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    hub = Broadcast({"BACKEND": "redis", "LOCATION": "redis://127.0.0.1:1/0"})
    with pytest.raises(MissingDependencyError) as caught:
        asyncio.run(hub.publish("room", 1))
    assert str(caught.value) == (
        "'redis' is required for the redis broadcast backend but is not installed: "
        'pip install "framework[redis]"'
    )


def test_importing_the_web_layer_loads_no_backend_client() -> None:
    code = "import sys, framework.web; print(sorted({'redis', 'asyncpg'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout == "[]\n", result.stderr


def test_last_event_id_reads_the_header_or_query_and_ignores_junk() -> None:
    class Fake:
        def __init__(self, headers: dict[str, str], query: dict[str, str]) -> None:
            self.headers, self.query_params = headers, query

    assert last_event_id(Fake({"last-event-id": "17-0"}, {})) == "17-0"
    assert last_event_id(Fake({}, {"lastEventId": "18-0"})) == "18-0"
    assert last_event_id(Fake({"last-event-id": "x" * 257}, {})) is None
    assert last_event_id(Fake({"last-event-id": "1\x002"}, {})) is None
    assert last_event_id(Fake({}, {})) is None


def test_events_become_server_sent_events() -> None:
    message = ServerSentEvent.coerce(Event("feed", {"n": 1}, "5-0"))
    gap = ServerSentEvent.coerce(Event("feed", type="gap"))
    assert message.encode() == b'id: 5-0\ndata: {"n":1}\n\n'
    assert gap.encode() == b'event: gap\ndata: {"channel":"feed"}\n\n'


class SlowController(Controller):
    path = "/slow"

    @websocket("/")
    async def slow(self, ws: Any) -> None:
        async with broadcast.subscribe("slow") as events:
            await ws.accept()
            await ws.receive_text()  # busy elsewhere while events pile up
            async for event in events:
                await ws.send_json(event.message)


def test_a_websocket_too_slow_for_its_subscription_is_closed_with_1013() -> None:
    from starlette.websockets import WebSocketDisconnect

    with settings.override(BROADCAST=memory(), ALLOWED_HOSTS=["testserver"]):
        app = App()
        app.include(SlowController)
        with TestClient(app) as client, client.websocket_connect("/slow") as ws:
            for number in range(6):
                asyncio.run(broadcast.publish("slow", number))
            ws.send_text("ready")
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
    assert closed.value.code == 1013


def test_a_client_leaving_a_task_group_handler_is_a_disconnect_not_a_failure(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The chat example reads and forwards in a task group: a departure is not an error."""
    import anyio

    finished = []

    class Echo(Controller):
        path = "/echo"

        @websocket("/")
        async def echo(self, ws: Any) -> None:
            async def ticker() -> None:
                while True:
                    await ws.send_text("tick")
                    await anyio.sleep(0.01)

            await ws.accept()
            try:
                async with anyio.create_task_group() as tasks:
                    tasks.start_soon(ticker)
                    await ws.receive_text()
            finally:
                finished.append(True)

    with settings.override(ALLOWED_HOSTS=["testserver"]):
        app = App()
    app.include(Echo)
    with TestClient(app) as client:
        with client.websocket_connect("/echo") as ws:
            assert ws.receive_text() == "tick"
        with (
            caplog.at_level(logging.ERROR, "framework.web"),
            client.websocket_connect("/echo") as ws,
        ):
            assert ws.receive_text() == "tick"
    assert finished == [True, True]
    assert "failed" not in caplog.text
