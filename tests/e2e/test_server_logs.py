"""Logs of real servers: ``runserver`` and ``serve`` subprocesses, read from their output.

Each request's id is on the app's own line and on uvicorn's access line, the JSON format
is one parseable object per line, and secrets (headers, form values, settings, query
strings, URL passwords) never reach the output.
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from .conftest import Server, free_port, start_server

pytestmark = pytest.mark.e2e

SECRET_VALUES = ("hunter2-form", "tok-3x4mple", "k3y-in-header", "s3ssion-cookie", "dbp4ss")

CONTROLLERS = """
import logging

from framework.web import Controller, get, post

logger = logging.getLogger("logapp")


class LogController(Controller):
    path = ""

    @get("/hello")
    async def hello(self, request):
        logger.info("saying hello", extra={"user_agent": request.headers.get("user-agent")})
        return {"hello": "world"}

    @post("/signin")
    async def signin(self, request):
        form = await request.form()
        logger.info("headers %s", dict(request.headers))
        logger.info("form %s", form)
        logger.warning("settings", extra={"settings": {
            "SECRET_KEY": "whatever", "DATABASE_URL": "postgresql://app:dbp4ss@db/app",
            "DEBUG": False,
        }})
        return {"ok": True}

    @get("/boom")
    async def boom(self, request):
        logger.info("about to fail")
        raise RuntimeError("kaboom")
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write a small project whose app logs requests, headers, forms and settings."""
    root = tmp_path_factory.mktemp("logs")
    (root / "manage.py").write_text(
        textwrap.dedent(
            """
            import os, sys
            if __name__ == "__main__":
                os.environ.setdefault("FRAMEWORK_SETTINGS_MODULE", "logproj.settings")
                from framework.cli import execute_from_command_line
                execute_from_command_line(sys.argv)
            """
        )
    )
    (root / "logproj").mkdir()
    (root / "logproj" / "__init__.py").write_text("")
    (root / "logproj" / "settings.py").write_text(
        textwrap.dedent(
            """
            from pathlib import Path
            BASE_DIR = Path(__file__).resolve().parent.parent
            SECRET_KEY = "logs-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEF"
            ALLOWED_HOSTS = ["127.0.0.1"]
            INSTALLED_APPS = ["logapp"]
            DATABASES = {"default": "sqlite+aiosqlite:///:memory:"}
            """
        )
    )
    (root / "logproj" / "asgi.py").write_text(
        "from framework.web import get_asgi_application\napp = get_asgi_application()\n"
    )
    (root / "logapp").mkdir()
    (root / "logapp" / "__init__.py").write_text("")
    (root / "logapp" / "controllers.py").write_text(CONTROLLERS)
    return root


def exercise(server: Server) -> dict[str, str]:
    """Send the requests the tests read back; return the request id of each."""
    assert server.get("/hello").status_code == 200
    ids = {}
    response = httpx.get(f"{server.url}/hello", headers={"X-Request-ID": "client-chosen-id-42"})
    assert response.headers["x-request-id"] == "client-chosen-id-42"
    ids["chosen"] = "client-chosen-id-42"
    response = httpx.get(f"{server.url}/hello", headers={"X-Request-ID": "bad id\twith space"})
    assert response.headers["x-request-id"] != "bad id\twith space"
    ids["replaced"] = response.headers["x-request-id"]
    response = httpx.post(
        f"{server.url}/signin?token=tok-3x4mple&page=2",
        data={"username": "ann", "password": "hunter2-form"},
        headers={"X-Api-Key": "k3y-in-header", "Cookie": "prefs=s3ssion-cookie"},
    )
    assert response.status_code == 200
    ids["signin"] = response.headers["x-request-id"]
    response = httpx.get(f"{server.url}/boom")
    assert response.status_code == 500
    ids["boom"] = response.headers["x-request-id"]
    return ids


def assert_no_secrets(output: str) -> None:
    for value in SECRET_VALUES:
        assert value not in output, f"{value!r} leaked into the log:\n{output}"


def json_lines(output: str) -> list[dict[str, object]]:
    """Return the log records: every line of output that is a JSON object."""
    records = []
    for line in output.splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))  # every JSON line parses
    return records


def test_runserver_json_logs(project: Path) -> None:
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", str(port), "--noreload"]
    with start_server(command, project, port, LOG_FORMAT="json") as server:
        ids = exercise(server)
        server.wait_for_output(f'"request_id": "{ids["boom"]}"', count=3)
        output = server.output()
    records = json_lines(output)
    by_id: dict[object, list[dict[str, object]]] = {}
    for record in records:
        by_id.setdefault(record["request_id"], []).append(record)
    chosen = {(r["logger"], r["message"]) for r in by_id["client-chosen-id-42"]}
    assert ("logapp", "saying hello") in chosen
    access = [r for r in by_id["client-chosen-id-42"] if r["logger"] == "uvicorn.access"]
    assert access and access[0]["path"] == "/hello" and access[0]["status"] == 200
    assert access[0]["method"] == "GET"
    assert any(r["logger"] == "logapp" for r in by_id[ids["replaced"]])
    signin = by_id[ids["signin"]]
    (access_line,) = [r for r in signin if r["logger"] == "uvicorn.access"]
    assert access_line["path"] == "/signin?token=********&page=2"
    settings_line = next(r for r in signin if r["message"] == "settings")
    assert settings_line["settings"] == {
        "SECRET_KEY": "********",
        "DATABASE_URL": "postgresql://app:********@db/app",
        "DEBUG": False,
    }
    boom = by_id[ids["boom"]]
    assert any(r["message"] == "about to fail" for r in boom)
    assert any("kaboom" in str(r.get("exception", "")) for r in boom)  # the traceback too
    assert {r["level"] for r in records} <= {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
    assert_no_secrets(output)


def test_serve_text_logs_with_workers(project: Path) -> None:
    port = free_port()
    command = [sys.executable, "manage.py", "serve", "--port", str(port), "--workers", "2"]
    with start_server(command, project, port) as server:
        ids = exercise(server)
        server.wait_for_output(f"[{ids['boom']}]", count=3)
        output = server.output()
    lines = output.splitlines()
    chosen = [line for line in lines if "[client-chosen-id-42]" in line]
    assert any(" INFO logapp [client-chosen-id-42] saying hello" in line for line in chosen)
    assert any(
        " INFO uvicorn.access [client-chosen-id-42] " in line
        and '"GET /hello HTTP/1.1" 200' in line
        for line in chosen
    )
    signin = [line for line in lines if f"[{ids['signin']}]" in line]
    assert any('"POST /signin?token=********&page=2 HTTP/1.1" 200' in line for line in signin)
    assert any("'password': '********'" in line for line in signin)
    assert any("'x-api-key': '********'" in line for line in signin)
    assert any("Started server process" in line and "[-]" in line for line in lines)
    assert_no_secrets(output)


@pytest.mark.parametrize("switch", [["--no-access-log"], ["--log-level", "warning"]])
def test_uvicorn_command_line_choices_outlive_the_app_logging(
    project: Path, switch: list[str]
) -> None:
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "logproj.asgi:app", "--port", str(port)]
    with start_server(
        [*command, *switch], project, port, FRAMEWORK_SETTINGS_MODULE="logproj.settings"
    ) as server:
        server.get("/hello")
        second = server.get("/hello").headers["x-request-id"]
        # The app's own INFO lines still print (LOG_LEVEL); by the second request's line,
        # the first request's access line would have been written.
        server.wait_for_output(f"[{second}] saying hello")
        output = server.output()
    assert "uvicorn.access" not in output and '"GET /hello HTTP/1.1"' not in output
