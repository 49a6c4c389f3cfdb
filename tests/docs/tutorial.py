"""Run the marked blocks of docs/tutorial.md, in order, in a temporary folder.

A block runs when an HTML comment right above its fence says how:

* ``<!-- tutorial: run -->`` above a ``console`` block: every ``$ command`` line runs in a
  shell (``cd`` carries over to the next command); the lines under it are expected output,
  each one a substring of what the command printed (``…`` lines are skipped).
* ``<!-- tutorial: server -->`` above a ``console`` block: its one command starts a server in
  the background, on a free port instead of 8000; later blocks' ``127.0.0.1:8000`` point at it.
* ``<!-- tutorial: file PATH -->`` / ``<!-- tutorial: append PATH -->``: the block's content
  is written to (or appended to) PATH.

Blocks without a marker are illustrations and do not run.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from watchfiles import Change

from framework.cli.reloader import ReloadFilter

MARKED_BLOCK = re.compile(
    r"<!-- tutorial: (?P<action>run|server|file|append)(?: (?P<path>\S+))? -->\s*\n"
    r"```(?P<lang>\w*)[^\n]*\n(?P<body>.*?)^```",
    re.MULTILINE | re.DOTALL,
)


@dataclass
class Step:
    """One marked block of the tutorial."""

    action: str
    path: str | None
    body: str
    line: int


def steps(markdown: str) -> list[Step]:
    """Return the marked blocks of *markdown*, in order."""
    return [
        Step(m["action"], m["path"], m["body"], markdown.count("\n", 0, m.start()) + 1)
        for m in MARKED_BLOCK.finditer(markdown)
    ]


def commands(block: str) -> list[tuple[str, list[str]]]:
    """Split a console block into (command, expected output lines)."""
    found: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], []))
        elif found and line.strip() and "…" not in line:
            found[-1][1].append(line.strip())
    return found


class Tutorial:
    """The state of one run: working directory, environment, the background server."""

    def __init__(self, folder: Path) -> None:
        self.cwd = folder
        self.port = _free_port()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key
            not in {
                "FRAMEWORK_SETTINGS_MODULE",
                "PYTEST_CURRENT_TEST",
                "PYTEST_ADDOPTS",
                "DEBUG",
                "SECRET_KEY",
                "DATABASE_URL",
            }
        }
        self.env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{self.env['PATH']}"
        self.env["PYTHONUNBUFFERED"] = "1"
        self.server: subprocess.Popen[str] | None = None
        #: The folder the development server was started in (and watches).
        self.server_root = folder
        self.server_log = folder / ".tutorial-server.log"
        #: Server start-ups seen when a file last changed: the next command waits for one more.
        self.reload_from: int | None = None

    def localize(self, text: str) -> str:
        return text.replace("127.0.0.1:8000", f"127.0.0.1:{self.port}")

    def shell(self, command: str, where: str) -> str:
        """Run *command* in the current folder; return its output; remember a ``cd``."""
        marker = self.cwd / ".tutorial-cwd" if self.cwd.exists() else Path("/tmp/.tutorial-cwd")
        script = f'{self.localize(command)}\nstatus=$?\npwd > "{marker}"\nexit $status'
        result = subprocess.run(
            ["bash", "-c", script],
            cwd=self.cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        output = result.stdout + result.stderr
        if result.returncode != 0:
            raise AssertionError(f"{where}: `{command}` failed ({result.returncode}):\n{output}")
        self.cwd = Path(marker.read_text().strip())
        marker.unlink()
        return output

    def startups(self) -> int:
        return self.server_log.read_text().count("Application startup complete.")

    def wait_for_reload(self, where: str) -> None:
        """After a file changed under a running server, wait until it has restarted."""
        if self.reload_from is None or self.server is None:
            return
        deadline = time.monotonic() + 60
        while self.startups() <= self.reload_from:
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{where}: the server did not reload:\n{self.server_log.read_text()}"
                )
            time.sleep(0.1)
        self.reload_from = None
        self.wait_for_server(where)

    def wait_for_server(self, where: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise AssertionError(f"{where}: the server did not start:\n{self.server_log.read_text()}")

    def watched_files(self) -> dict[str, int]:
        """Return the files a running development server watches, with their change times."""
        if self.server is None:
            return {}
        watched = ReloadFilter()
        return {
            str(path): path.stat().st_mtime_ns
            for path in self.server_root.rglob("*")
            if path.is_file() and watched(Change.modified, str(path))
        }

    def run(self, step: Step, where: str) -> None:
        self.wait_for_reload(where)
        for command, expected in commands(step.body):
            self.wait_for_reload(where)
            before, startups = self.watched_files(), self.startups() if self.server else 0
            output = self.shell(command, where)
            if self.server is not None and self.watched_files() != before:
                # The command wrote a watched file (a migration, a fixture): the server restarts.
                self.reload_from = startups
            for line in expected:
                assert self.localize(line) in output, (
                    f"{where}: `{command}` did not print {line!r}; it printed:\n{output}"
                )

    def start_server(self, step: Step, where: str) -> None:
        self.stop_server()
        self.server_root = self.cwd
        [(command, _)] = commands(step.body)
        with self.server_log.open("w") as log:
            self.server = subprocess.Popen(
                ["bash", "-c", f"exec {command} {self.port}"],
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
                start_new_session=True,
            )
        self.wait_for_server(where)

    def stop_server(self) -> None:
        if self.server is not None and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGINT)
            self.server.wait(timeout=15)
        self.server = None

    def write(self, step: Step, append: bool) -> None:
        assert step.path
        path = self.cwd / step.path
        path.parent.mkdir(parents=True, exist_ok=True)
        text = (path.read_text() if append and path.exists() else "") + step.body
        if self.server is not None and self.reload_from is None and path.suffix == ".py":
            self.reload_from = self.startups()
        path.write_text(text)

    def play(
        self, markdown: str, name: str, finally_: Callable[[Tutorial], None] | None = None
    ) -> int:
        """Run every marked step, then *finally_* (the server still up); return how many ran."""
        all_steps = steps(markdown)
        try:
            for step in all_steps:
                where = f"{name}:{step.line}"
                if step.action == "run":
                    self.run(step, where)
                elif step.action == "server":
                    self.start_server(step, where)
                else:
                    self.write(step, append=step.action == "append")
            if finally_ is not None:
                self.wait_for_reload(name)
                finally_(self)
        finally:
            self.stop_server()
        return len(all_steps)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
