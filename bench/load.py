"""Servers pinned to core 0 and wrk/ab pinned to core 1; parse what the load tools print."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

SERVER_CORE = "0"
LOAD_CORE = "1"
CONNECTIONS = 64


@dataclass
class Cell:
    """One measurement: requests per second, latency percentiles in ms, errors.

    ``cpu_us`` is the server's CPU time per request in microseconds: on a shared machine it
    varies far less than throughput, which also depends on what else the machine is doing.
    """

    rps: float
    p50: float
    p99: float
    errors: int
    requests: int = 0
    cpu_us: float = float("nan")


@dataclass
class Server:
    """A uvicorn server for one contender."""

    name: str
    args: list[str]
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        return ["taskset", "-c", SERVER_CORE, *self.args, "--port", str(self.port)]

    def start(self) -> None:
        self.port = free_port()
        log = (self.cwd / f".bench-{self.name}.log").open("wb")
        env = {**os.environ, **self.env}
        if "PYTHONPATH" in self.env and os.environ.get("PYTHONPATH"):
            # A checkout named on the command line (PYTHONPATH=/other/tree) comes after the
            # server's own paths, so one harness can measure another version of framework.
            env["PYTHONPATH"] = f"{self.env['PYTHONPATH']}:{os.environ['PYTHONPATH']}"
        self.process = subprocess.Popen(
            self.command(),
            cwd=self.cwd,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: see {log.name}")
            try:
                httpx.get(f"{self.url}/hello", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start within 30 s")

    def cpu_seconds(self) -> float:
        """Return the CPU time (user + system) the server process has used so far."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        """Return the resident memory of the server process (uvicorn's, below taskset)."""
        assert self.process is not None
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kb = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        return kb / 1024

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wrk_command(
    url: str,
    seconds: float,
    script: Path | None,
    connections: int | None = None,
    timeout: float | None = None,
    headers: dict[str, str] | None = None,
) -> list[str]:
    command = [
        "taskset",
        "-c",
        LOAD_CORE,
        "wrk",
        "-t1",
        f"-c{connections or CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
    ]
    if script is not None:
        command += ["-s", str(script)]
    if timeout is not None:  # wrk's own is 2 s: a slow request (a password hash) is not an error
        command += ["--timeout", f"{timeout:g}s"]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    return [*command, url]


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _latency(text: str, percent: str) -> float:
    match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def parse_wrk(text: str) -> Cell:
    """Return the cell that wrk's ``--latency`` output describes."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    errors = 0
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    if non_2xx:
        errors += int(non_2xx.group(1))
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    total = re.search(r"(\d+) requests in", text)
    return Cell(
        rps=rps,
        p50=_latency(text, "50"),
        p99=_latency(text, "99"),
        errors=errors,
        requests=int(total.group(1)) if total else 0,
    )


def run_wrk(
    url: str,
    seconds: float,
    script: Path | None = None,
    server: Server | None = None,
    connections: int | None = None,
    timeout: float | None = None,
    headers: dict[str, str] | None = None,
) -> Cell:
    """Run wrk against *url* for *seconds*; with *server*, also its CPU time per request."""
    before = server.cpu_seconds() if server is not None else 0.0
    result = subprocess.run(
        wrk_command(url, seconds, script, connections, timeout, headers),
        capture_output=True,
        text=True,
        check=True,
    )
    cell = parse_wrk(result.stdout)
    if server is not None and cell.requests:
        cell.cpu_us = (server.cpu_seconds() - before) / cell.requests * 1e6
    return cell


def ab_command(url: str) -> list[str]:
    return ["taskset", "-c", LOAD_CORE, "ab", "-q", "-k", "-c", "200", "-n", "2000", url]


def run_ab(url: str) -> tuple[float, int]:
    """Run the seed Patera's measure (``ab -k -c 200 -n 2000``); return req/s and failures."""
    result = subprocess.run(ab_command(url), capture_output=True, text=True, check=True)
    rps = float(re.search(r"Requests per second:\s+([\d.]+)", result.stdout).group(1))  # type: ignore[union-attr]
    failed = int(re.search(r"Failed requests:\s+(\d+)", result.stdout).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx responses:\s+(\d+)", result.stdout)
    return rps, failed + (int(non_2xx.group(1)) if non_2xx else 0)
