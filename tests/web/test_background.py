"""Background tasks: after the response, fire-and-forget, threads for sync code, errors logged."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
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
    done = threading.Event()
    seen: list[str] = []

    @app.background.task
    def slow_job(name: str) -> str:
        time.sleep(0.5)
        seen.append(name)
        done.set()
        return name

    @app.get("/")
    async def index(request: Request) -> str:
        slow_job("report")
        return "processing"

    with TestClient(app) as client:
        started = time.perf_counter()
        assert client.get("/").text == "processing"
        assert time.perf_counter() - started < 0.4  # the response did not wait
        assert done.wait(5)
    assert seen == ["report"]


def test_app_background_run_for_coroutines_is_drained_at_shutdown() -> None:
    app = App()
    seen: list[str] = []

    async def job() -> None:
        await asyncio.sleep(0.05)
        seen.append("finished")

    @app.get("/")
    async def index(request: Request) -> int:
        app.background.run(job)
        return {"pending": app.background.pending}  # type: ignore[return-value]

    with TestClient(app) as client:
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
    future = runner.run(asyncio.sleep, 10)
    with caplog.at_level(logging.WARNING, "framework.web.background"):
        await runner.drain(timeout=0.01)
    await asyncio.sleep(0)
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
