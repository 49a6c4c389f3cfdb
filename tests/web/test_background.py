"""Background tasks: after the response, fire-and-forget, threads for sync code, errors logged."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest

from framework.testing import TestClient
from framework.web import App, Request
from framework.web.background import BackgroundRunner


def test_after_response_tasks_run_once_the_response_is_sent() -> None:
    app = App()
    events: list[str] = []
    main = threading.get_ident()

    async def notify(name: str) -> None:
        events.append(f"async {name}")

    def write(name: str) -> None:
        events.append(f"sync {name} in thread: {threading.get_ident() != main}")

    @app.post("/signup")
    async def signup(request: Request) -> str:
        request.after_response(notify, "ann")
        request.after_response(write, name="ann")
        events.append("handler")
        return "welcome"

    with TestClient(app) as client:
        assert client.post("/signup").text == "welcome"
    assert events == ["handler", "async ann", "sync ann in thread: True"]


def test_failing_task_is_logged_and_later_tasks_still_run(caplog: Any) -> None:
    app = App()
    events: list[str] = []

    def explode() -> None:
        raise RuntimeError("smtp down")

    @app.get("/")
    async def index(request: Request) -> str:
        request.after_response(explode)
        request.after_response(events.append, "after")
        return "ok"

    with TestClient(app) as client, caplog.at_level(logging.ERROR, "framework.web.background"):
        assert client.get("/").text == "ok"
    assert events == ["after"]
    record = caplog.records[0]
    assert record.getMessage() == (
        "Background task tests.web.test_background.test_failing_task_is_logged_and_later_"
        "tasks_still_run.<locals>.explode failed"
    )
    assert record.exc_info is not None and "smtp down" in str(record.exc_info[1])


def test_app_background_task_decorator_runs_sync_functions_in_threads() -> None:
    app = App()
    answered = threading.Event()  # set by the test once the response is in its hands
    done = threading.Event()
    seen: list[str] = []

    @app.background.task
    def slow_job(name: str) -> str:
        # The job can only finish after the response arrived: had the response waited for
        # it, it would have waited in vain, and the job would record nothing.
        if answered.wait(timeout=30):
            seen.append(name)
        done.set()
        return name

    @app.get("/")
    async def index(request: Request) -> str:
        slow_job("report")
        return "processing"

    with TestClient(app) as client:
        assert client.get("/").text == "processing"
        answered.set()
        assert done.wait(30)
    assert seen == ["report"]


def test_app_background_run_for_coroutines_is_drained_at_shutdown() -> None:
    app = App()
    seen: list[str] = []
    stopping = asyncio.Event()

    async def job() -> None:
        await stopping.wait()  # still running when the server is told to stop
        seen.append("finished")

    @app.get("/")
    async def index(request: Request) -> int:
        app.background.run(job)
        return {"pending": app.background.pending}  # type: ignore[return-value]

    async def server(scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def watched() -> dict[str, Any]:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                stopping.set()
            return message

        await app(scope, watched if scope["type"] == "lifespan" else receive, send)

    with TestClient(server) as client:
        assert client.get("/").json() == {"pending": 1}
    assert seen == ["finished"]


async def test_runner_logs_async_failures(caplog: Any) -> None:
    runner = BackgroundRunner()

    async def broken() -> None:
        raise ValueError("bad")

    with caplog.at_level(logging.ERROR, "framework.web.background"):
        result = await runner.run(broken)
    assert result is None
    assert "Background task" in caplog.records[0].getMessage()
    await runner.drain()


async def test_drain_cancels_tasks_past_the_timeout(caplog: Any) -> None:
    runner = BackgroundRunner()
    future = runner.run(asyncio.Event().wait)  # never finishes on its own
    with caplog.at_level(logging.WARNING, "framework.web.background"):
        await runner.drain(timeout=0.01)
    await asyncio.wait([future])  # the cancellation lands at the task's next step
    assert future.cancelled()
    assert "still running at shutdown" in caplog.records[0].getMessage()


def test_starting_a_task_without_a_loop_names_the_fix() -> None:
    runner = BackgroundRunner()
    with pytest.raises(RuntimeError) as error:
        runner.run(print)
    assert str(error.value) == (
        "Cannot start background task builtins.print: no event loop is running. Start tasks "
        "from a handler, a hook or an async command."
    )
