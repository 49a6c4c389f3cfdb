"""``current_app()``: the app of this request, this command or this test, never another's."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import click
import httpx
import pytest
from click.testing import CliRunner

import framework.web
from framework.cli.group import project_command
from framework.conf import settings
from framework.testing import AsyncClient, TestClient, live_server
from framework.web import App, Request, WebSocket, current_app, url_for

OUTSIDE = (
    "No app is current here: current_app() and url_for() work inside a request, a management "
    "command, or a test that uses the app fixture. Elsewhere call app.url_for(...) on the App "
    "itself."
)


def named_app(label: str) -> App:
    """An app whose routes say which app is current, over HTTP and WebSocket."""
    with settings.override(ALLOWED_HOSTS=["localhost", "127.0.0.1"]):
        app = App()
    app.state.label = label
    seen: list[str] = []
    app.state.startup_saw = seen

    @app.on_startup
    def remember() -> None:
        seen.append(current_app().state.label)

    @app.get(f"/{label}/where")
    async def where(request: Request) -> dict[str, str]:
        return {"app": current_app().state.label, "url": url_for("where")}

    @app.websocket("/ws")
    async def ws(socket: WebSocket) -> None:
        await socket.accept()
        await socket.send_text(current_app().state.label)
        await socket.close()

    return app


def test_current_app_inside_a_request_a_websocket_and_the_lifespan() -> None:
    app = named_app("one")
    with TestClient(app) as client:
        assert client.get("/one/where").json() == {"app": "one", "url": "/one/where"}
        with client.websocket_connect("/ws") as socket:
            assert socket.receive_text() == "one"
    assert app.state.startup_saw == ["one"]


def test_current_app_and_url_for_outside_a_request_or_command_say_what_to_do() -> None:
    app = named_app("one")
    with TestClient(app) as client:
        assert client.get("/one/where").status_code == 200
    for call in (current_app, lambda: url_for("where")):
        with pytest.raises(LookupError) as outside:
            call()
        assert str(outside.value) == OUTSIDE
    assert app.url_for("where") == "/one/where"


async def test_two_apps_serving_concurrently_each_see_their_own() -> None:
    both_inside = asyncio.Barrier(2)

    def app_waiting_for_the_other(label: str) -> App:
        app = App()

        @app.get("/where")
        async def where(request: Request) -> dict[str, str]:
            before = current_app().state.label
            await both_inside.wait()  # both requests are now being served at once
            return {"before": before, "after": current_app().state.label}

        app.state.label = label
        return app

    first, second = app_waiting_for_the_other("first"), app_waiting_for_the_other("second")
    async with AsyncClient(first) as one, AsyncClient(second) as two:
        answers = await asyncio.wait_for(
            asyncio.gather(one.get("/where"), two.get("/where")), timeout=30
        )
    assert [answer.json() for answer in answers] == [
        {"before": "first", "after": "first"},
        {"before": "second", "after": "second"},
    ]


def test_two_apps_on_real_servers_in_one_process_each_see_their_own() -> None:
    apps = [named_app("one"), named_app("two")]
    with live_server(apps[0]) as one, live_server(apps[1]) as two:

        def ask(base: str, label: str) -> list[str]:
            with httpx.Client(base_url=base, timeout=30) as client:
                return [client.get(f"/{label}/where").json()["app"] for _ in range(50)]

        with ThreadPoolExecutor(4) as pool:
            futures = [
                pool.submit(ask, base, label) for base, label in [(one, "one"), (two, "two")] * 2
            ]
            answers = [future.result(timeout=60) for future in futures]
    assert answers == [["one"] * 50, ["two"] * 50] * 2


def test_current_app_inside_a_command_is_the_projects_built_on_first_use(
    webproject: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[App] = []
    real = framework.web.get_asgi_application

    def counting() -> App:
        built.append(real())
        return built[-1]

    monkeypatch.setattr(framework.web, "get_asgi_application", counting)

    @click.command()
    def quiet() -> None:
        click.echo("no app needed")

    @click.command()
    def links() -> None:
        click.echo(url_for("PostController.show", id=3))
        click.echo(current_app() is current_app())

    @click.command()
    async def async_links() -> None:
        click.echo(url_for("CartController.index"))

    runner = CliRunner()
    assert runner.invoke(project_command(quiet)).output == "no app needed\n"
    assert built == []  # a command that never asks builds nothing
    assert runner.invoke(project_command(links)).output == "/posts/3\nTrue\n"
    assert len(built) == 1  # built once for the command, however often it asks
    assert runner.invoke(project_command(async_links)).output == "/shop/cart\n"
    assert len(built) == 2  # each command has its own
    with pytest.raises(LookupError):
        current_app()  # and it is gone when the command ends


def test_a_deferred_app_is_made_once_across_threads() -> None:
    from framework.appcontext import Deferred

    made: list[object] = []
    release = threading.Event()

    def factory() -> object:
        release.wait(30)
        made.append(object())
        return made[-1]

    deferred = Deferred(factory)
    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(deferred.resolve) for _ in range(4)]
        release.set()
        results: list[Any] = [future.result(timeout=30) for future in futures]
    assert len(made) == 1
    assert all(result is made[0] for result in results)
