"""The runserver worker lives only as long as its reloader: kill -9 the parent, the port frees."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import free_port, run, start_server


def workers_of(pid: int) -> list[int]:
    """Return the pids of the server processes that *pid* spawned (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        command = (entry / "cmdline").read_bytes() if int(fields[1]) == pid else b""
        if b"spawn_main" in command:  # not multiprocessing's resource tracker
            found.append(int(entry.name))
    return found


def gone(pid: int) -> bool:
    """Return whether process *pid* has exited (a zombie counts as exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state == "Z"


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def wait_until(condition, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout}s")
        time.sleep(0.05)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_killing_the_reloader_stops_the_worker_and_frees_the_port(tmp_path: Path) -> None:
    made = run([sys.executable, "-m", "framework", "startproject", "reloadsite"], cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    site = tmp_path / "reloadsite"
    port = free_port()
    args = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--skip-checks"]
    with start_server(args, site, port) as server:
        assert server.get("/no-such-page").status_code == 404
        (worker,) = workers_of(server.process.pid)
        try:
            os.kill(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=30)
            wait_until(lambda: gone(worker), "the worker did not exit after its parent was killed")
            wait_until(lambda: port_is_free(port), "the port was not freed")
        finally:
            if not gone(worker):  # never leave an orphan server behind, even on failure
                os.kill(worker, signal.SIGKILL)
    again = subprocess.run(
        [sys.executable, "-c", f"import socket; socket.create_connection(('127.0.0.1', {port}))"],
        capture_output=True,
    )
    assert again.returncode != 0  # nothing answers on the port any more
