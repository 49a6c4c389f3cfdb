"""Real-time and files across processes: two real ``serve`` processes, real Redis, PostgreSQL
and S3 servers, real WebSocket and HTTP clients.

The project is one ``startproject`` generates; its ``live`` app runs the chat and feed
examples of docs/websockets.md and docs/sse.md and the upload example of docs/storage.md,
as printed. Each server is its own process, as on two hosts: what crosses between them goes
through the backend under test.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.support.databases import private_postgres_cluster
from tests.support.redisserver import private_redis_server, redis_database_url
from tests.support.s3server import s3_bucket, s3_storage_options

from .conftest import Server, free_port, run, start_server

pytestmark = pytest.mark.e2e

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
#: Generous: the machine may be loaded; every wait ends as soon as its condition holds.
TIMEOUT = 60


def docs_block(guide: str, marker: str) -> str:
    """Return the one ```python block of *guide* that contains *marker*."""
    found = [b for b in BLOCK.findall((DOCS / guide).read_text()) if marker in b]
    assert len(found) == 1, f"{guide}: {len(found)} blocks contain {marker!r}"
    return found[0]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generate a project with a ``live`` app made of the guides' examples."""
    base = tmp_path_factory.mktemp("shared")
    framework = Path(sys.executable).parent / "framework"
    assert run([str(framework), "startproject", "mysite"], cwd=base).returncode == 0
    root = base / "mysite"
    result = run([sys.executable, "manage.py", "startapp", "live"], cwd=root)
    assert result.returncode == 0, result.stderr
    controllers = [
        docs_block("websockets.md", "class ChatController"),
        docs_block("sse.md", "class FeedController"),
        docs_block("storage.md", "class AvatarController"),
    ]
    (root / "live" / "controllers.py").write_text("\n\n".join(controllers))
    return root


@contextmanager
def servers(project: Path, count: int = 2, **env: str) -> Iterator[list[Server]]:
    """Start *count* ``serve`` processes of *project* with *env*; stop them at the end."""
    with ExitStack() as stack:
        started = []
        for _ in range(count):
            port = free_port()
            args = [sys.executable, "manage.py", "serve", "--port", str(port), "--workers", "1"]
            server = stack.enter_context(start_server(args, project, port, DEBUG="false", **env))
            started.append(server)
        for server in started:
            server.get("/openapi.json", timeout=TIMEOUT)
        yield started


def ws_connect(server: Server, path: str) -> ClientConnection:
    return connect(server.url.replace("http://", "ws://") + path, open_timeout=TIMEOUT)


def receive(ws: ClientConnection) -> Any:
    return json.loads(ws.recv(timeout=TIMEOUT))


def receive_until(ws: ClientConnection, expected: Any) -> list[Any]:
    """Read messages until *expected* arrives; return everything read before it."""
    before = []
    while (message := receive(ws)) != expected:
        before.append(message)
    return before


def chat_crosses_and_survives_a_restart(first: Server, second: Server, restart: Any) -> None:
    """A chat message goes from one process to the other; after a restart of the backend,
    both subscribers get a gap and the chat keeps working."""
    with ws_connect(first, "/chat/lobby") as ann, ws_connect(second, "/chat/lobby") as bob:
        bob.send("hi from the second process")
        assert receive(ann) == {"text": "hi from the second process"}
        assert receive(bob) == {"text": "hi from the second process"}

        restart()
        assert receive(ann) == {"gap": True}
        assert receive(bob) == {"gap": True}

        bob.send("after the restart")
        assert receive(ann) == {"text": "after the restart"}
        ann.send("and back")
        assert receive_until(bob, {"text": "and back"}) in ([], [{"text": "after the restart"}])
    assert "Broadcast reconnected" in first.output()


def test_redis_chat_crosses_processes_and_survives_a_redis_restart(project: Path) -> None:
    redis = private_redis_server()
    try:
        setting = json.dumps({"BACKEND": "redis", "LOCATION": redis.url})
        with servers(project, BROADCAST=setting) as (first, second):
            chat_crosses_and_survives_a_restart(first, second, redis.restart)
    finally:
        redis.close()


@pytest.mark.postgres
def test_postgres_chat_crosses_processes_and_survives_a_postgres_restart(project: Path) -> None:
    cluster = private_postgres_cluster()
    try:
        setting = json.dumps({"BACKEND": "postgres", "OPTIONS": {"keepalive": 1}})
        with servers(project, BROADCAST=setting, DATABASE_URL=cluster.url) as (first, second):
            chat_crosses_and_survives_a_restart(first, second, cluster.restart)
    finally:
        cluster.stop()


def sse_events(response: httpx.Response) -> Iterator[dict[str, str]]:
    """Yield the events of an SSE response as dicts of their fields."""
    fields: dict[str, str] = {}
    for line in response.iter_lines():
        if not line:
            if fields:
                yield fields
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(": ")
            fields[name] = value


def test_sse_feed_resumes_from_last_event_id_on_another_process(project: Path) -> None:
    setting = json.dumps(
        {"BACKEND": "redis", "LOCATION": redis_database_url(), "OPTIONS": {"history": 100}}
    )
    with servers(project, BROADCAST=setting) as (first, second), httpx.Client() as client:
        with client.stream("GET", f"{first.url}/feed", timeout=TIMEOUT) as stream:
            events = sse_events(stream)
            assert next(events) == {"retry": "2000"}  # subscribed
            for number in range(3):  # published through the other process
                client.post(f"{second.url}/feed", json={"n": number}).raise_for_status()
                event = next(events)
                assert json.loads(event["data"]) == {"n": number}
                if number == 0:
                    resume_after = event["id"]
        # The browser reconnects, to whichever process, with the last id it saw.
        headers = {"Last-Event-ID": resume_after}
        with client.stream("GET", f"{second.url}/feed", headers=headers, timeout=TIMEOUT) as again:
            replayed = sse_events(again)
            assert next(replayed) == {"retry": "2000"}
            assert [json.loads(next(replayed)["data"]) for _ in range(2)] == [{"n": 1}, {"n": 2}]
            client.post(f"{first.url}/feed", json={"n": 3}).raise_for_status()
            assert json.loads(next(replayed)["data"]) == {"n": 3}
        # An id the history cannot place starts with a gap: reload, then live events.
        headers = {"Last-Event-ID": "not-an-id"}
        with client.stream("GET", f"{first.url}/feed", headers=headers, timeout=TIMEOUT) as old:
            gap = sse_events(old)
            assert next(gap) == {"retry": "2000"}
            assert next(gap)["event"] == "gap"


def test_a_file_uploaded_through_one_process_is_read_through_another(project: Path) -> None:
    storages = {"default": {"BACKEND": "s3", "OPTIONS": s3_storage_options(s3_bucket())}}
    with servers(project, STORAGES=json.dumps(storages)) as (first, second):
        png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64
        response = httpx.post(f"{first.url}/avatars", files={"avatar": ("me.png", png)})
        assert response.status_code == 200, response.text
        stored = response.json()
        assert re.fullmatch(r"avatars/[0-9a-f]{32}\.png", stored["name"])
        name = stored["name"].removeprefix("avatars/")
        assert httpx.get(f"{second.url}/avatars/{name}").content == png
        # The object is private: its URL is presigned, and the bare address is refused.
        assert httpx.get(stored["url"]).content == png
        assert httpx.get(stored["url"].split("?", 1)[0]).status_code == 403
