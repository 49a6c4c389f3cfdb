"""End-to-end helpers: real subprocesses, real servers on 127.0.0.1, raw HTTP over a socket."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.web.conftest import _isolated_registry, webproject

__all__ = ["_isolated_registry", "raw_http", "webproject"]

BIN = Path(sys.executable).parent


def free_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_environ(**extra: str) -> dict[str, str]:
    """Return the environment for a child process, without settings leaking from this one."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"FRAMEWORK_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    env.pop("PYTEST_ADDOPTS", None)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a command to completion and return its result (output captured as text)."""
    return subprocess.run(
        args, cwd=cwd, env=clean_environ(**env), capture_output=True, text=True, timeout=120
    )


def wait_for(url: str, timeout: float = 60.0) -> httpx.Response:
    """Poll *url* until it answers, and return the response."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError as exc:
            last = exc
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer within {timeout}s: {last!r}")


class Server:
    """A server subprocess whose output is collected in a log file."""

    def __init__(self, process: subprocess.Popen[str], log: Path, port: int) -> None:
        self.process = process
        self.log = log
        self.port = port
        self.url = f"http://127.0.0.1:{port}"

    def output(self) -> str:
        return self.log.read_text()

    def get(self, path: str = "/", timeout: float = 60.0) -> httpx.Response:
        """Wait until the server answers *path*; fail with its log when it never does."""
        try:
            return wait_for(f"{self.url}{path}", timeout)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nexit={self.process.poll()}\n{self.output()}") from None

    def wait_for_output(self, text: str, timeout: float = 60.0, count: int = 1) -> None:
        """Wait until *text* appears *count* times in the log (fail with the log if never)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.output().count(text) >= count:
                return
            time.sleep(0.05)
        raise AssertionError(f"{text!r} not seen {count}x in {timeout}s:\n{self.output()}")


@contextmanager
def start_server(args: list[str], cwd: Path, port: int, **env: str) -> Iterator[Server]:
    """Start *args* in its own process group, yield it, then stop the whole group."""
    log = cwd / f".server-{port}.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            args,
            cwd=cwd,
            env=clean_environ(**env),
            stdout=sink,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    server = Server(process, log, port)
    try:
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def framework_bin() -> Path:
    """Return the path of the ``framework`` console script of this environment."""
    return BIN / "framework"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test here as end-to-end."""
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


def raw_http(base_url: str, request: bytes, *, timeout: float = 5.0) -> tuple[int, bytes]:
    """Send *request* bytes as they are; return the status code and the whole response."""
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and _complete(b"".join(chunks)):
                break
    response = b"".join(chunks)
    status_line = response.split(b"\r\n", 1)[0]
    return int(status_line.split()[1]), response


def _complete(response: bytes) -> bool:
    head, _, body = response.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False
