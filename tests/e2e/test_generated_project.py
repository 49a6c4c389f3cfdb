"""A new user's day: startproject, startapp blog, the controller of DESIGN.md, then serve it.

Everything runs as subprocesses on a freshly generated project, as a user would run it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

CONTROLLERS = """
from framework.web import Controller, abort, get, post, sse, websocket

POSTS = [{"id": 1, "title": "First"}]


class PostController(Controller):
    path = "/posts"

    @get("/")
    async def index(self, request):
        return POSTS

    @get("/lookup/{key}")
    async def lookup(self, request, key):
        raise KeyError(key)

    @get("/{id:int}")
    async def show(self, request, id):
        for post in POSTS:
            if post["id"] == id:
                return post
        abort(404, detail=f"No post {id}.")

    @post("/")
    async def create(self, request):
        data = await request.json()
        post = {"id": len(POSTS) + 1, "title": data["title"]}
        POSTS.append(post)
        return post, 201


class LiveController(Controller):
    path = "/live"

    @websocket("/echo")
    async def echo(self, ws):
        await ws.accept()
        async for text in ws.iter_text():
            await ws.send_text(text)

    @sse("/ticks")
    async def ticks(self, request):
        for i in range(3):
            yield {"event": "tick", "data": {"n": i}}
"""


#: Appended to the project's own controllers.py: project-wide handlers and hooks.
PROJECT_CONTROLLERS = """
from framework.web import after_request, error_handler


@error_handler(LookupError)
async def not_found(request, exc):
    return {"detail": f"Nothing found for {exc}.", "errors": []}, 404


@after_request
async def tag(request, response):
    response.headers["x-project"] = "mysite"
"""

#: A test of the generated project: its `client` fixture builds the app with them.
PROJECT_TEST = """
def test_project_wide_handlers_and_hooks(client):
    response = client.get("/posts/lookup/pen")
    assert response.status_code == 404
    assert response.json() == {"detail": "Nothing found for 'pen'.", "errors": []}
    assert client.get("/posts").headers["x-project"] == "mysite"
"""


def run(args: list[str], cwd: Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("FRAMEWORK_SETTINGS_MODULE", None)
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False, **kwargs
    )  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    framework_cli = [sys.executable, "-c", "from framework.cli import main; main()"]
    created = run([*framework_cli, "startproject", "mysite"], cwd=root)
    assert created.returncode == 0, created.stderr
    site = root / "mysite"
    app = run([sys.executable, "manage.py", "startapp", "blog"], cwd=site)
    assert app.returncode == 0, app.stderr
    controllers = site / "blog" / "controllers.py"
    controllers.write_text(controllers.read_text() + CONTROLLERS)  # keep the generated one
    project_controllers = site / "mysite" / "controllers.py"
    project_controllers.write_text(project_controllers.read_text() + PROJECT_CONTROLLERS)
    (site / "tests" / "test_project_wide.py").write_text(PROJECT_TEST)
    return site


def test_routes_lists_the_controller(project: Path) -> None:
    result = run([sys.executable, "manage.py", "routes", "--json"], cwd=project)
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["PostController.index"]["path"] == "/posts"
    assert rows["PostController.index"]["app"] == "blog"
    assert rows["PostController.create"]["methods"] == "POST"
    assert rows["PostController.show"]["path"] == "/posts/{id:int}"
    assert rows["LiveController.echo"]["methods"] == "WS"
    assert rows["LiveController.ticks"]["path"] == "/live/ticks"


def test_url_for_resolves_the_controller(project: Path) -> None:
    code = (
        "from framework.web import get_asgi_application, url_for; "
        "get_asgi_application(); "
        "print(url_for('PostController.index'), url_for('PostController.show', id=2))"
    )
    result = run([sys.executable, "manage.py", "shell", "-c", code], cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/posts", "/posts/2"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ}
    env.pop("FRAMEWORK_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(base_url + "/", timeout=1, trust_env=False)
            break
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                output = process.communicate()[0]
                pytest.fail(f"runserver did not start:\n{output}")
            time.sleep(0.1)
    try:
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def test_runserver_serves_the_controller(server: str) -> None:
    with httpx.Client(base_url=server, trust_env=False, timeout=5) as client:
        assert client.get("/posts").json() == [{"id": 1, "title": "First"}]
        created = client.post("/posts", json={"title": "Second"})
        assert (created.status_code, created.json()) == (201, {"id": 2, "title": "Second"})
        assert client.get("/posts/2").json() == {"id": 2, "title": "Second"}
        missing = client.get("/posts/99")
        assert (missing.status_code, missing.json()) == (
            404,
            {"detail": "No post 99.", "errors": []},
        )
        assert client.get("/").status_code == 200  # the DEBUG welcome page
        handled = client.get("/posts/lookup/pen")  # mysite/controllers.py, project-wide
        assert (handled.status_code, handled.json()["detail"]) == (404, "Nothing found for 'pen'.")
        assert client.get("/posts").headers["x-project"] == "mysite"
        assert client.get("/blog/status").json() == {"app": "blog", "ok": True}
        assert client.get("/static/blog/app.css").status_code == 200


def test_runserver_serves_websockets_and_sse(server: str) -> None:
    with connect(server.replace("http://", "ws://") + "/live/echo", proxy=None) as ws:
        ws.send("ping")
        assert ws.recv(timeout=5) == "ping"
    with httpx.Client(trust_env=False, timeout=5) as client:
        text = client.get(server + "/live/ticks").text
    assert text.count("event: tick") == 3


def test_the_generated_tests_pass(project: Path) -> None:
    result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passed" in result.stdout
