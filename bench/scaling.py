"""Scaling: ``manage.py serve --workers 2`` against one worker, and the memory of each worker.

    python bench/scaling.py [--quick] [--write]

On the generated project (bench/generated.py, regenerated here), ``serve`` with one worker,
then with two, under the same wrk load (64 connections, not pinned: with two workers the
server needs both cores, and wrk shares them). Rounds are interleaved and a cell is the
median. The RSS of every worker is read from /proc after the load. ``--write`` replaces the
section of bench/results.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generated
from load import Cell, free_port, parse_wrk
from report import write_section
from tools import BENCH, PROJECT_PYTHON

HEADING = "## Scaling: `serve --workers 2` against one worker"
PATHS = ["/json", "/users"]


class Serve:
    """``manage.py serve --workers N`` on a free port, stopped with its process group."""

    def __init__(self, workers: int, database_url: str) -> None:
        self.workers = workers
        self.port = free_port()
        command = [str(PROJECT_PYTHON), "manage.py", "serve", "--workers", str(workers)]
        command += ["--port", str(self.port), "--log-level", "warning"]
        self.process = subprocess.Popen(
            command,
            cwd=generated.SITE,
            env={**os.environ, **generated.server_env(database_url)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"serve --workers {self.workers} exited")
            try:
                if httpx.get(f"{self.url}/json", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"serve --workers {self.workers} did not answer within 60 s")

    def processes_rss_mb(self) -> list[tuple[str, float]]:
        """Return (role, RSS in MB) of the main process and of each process it started."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        found = [("serve (main process)", _rss_mb(self.process.pid))]
        for pid in (int(pid) for pid in children.read_text().split()):
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
            tracker = b"resource_tracker" in command
            role = "multiprocessing resource tracker" if tracker else "worker"
            found.append((role, _rss_mb(pid)))
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wrk(url: str, seconds: float) -> Cell:
    """Run wrk (64 connections, unpinned) against *url*."""
    command = ["wrk", "-t2", "-c64", f"-d{max(1, round(seconds))}s", "--latency", url]
    return parse_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def measure(seconds: float, rounds: int) -> tuple[dict[tuple[int, str], float], dict]:
    """Return {(workers, path): median req/s} and {workers: [RSS MB per worker]}."""
    sys.path.insert(0, str(BENCH / "apps"))
    from common import DB_URL, seed

    seed()
    generated.generate(DB_URL)
    samples: dict[tuple[int, str], list[float]] = {}
    rss: dict[int, list[tuple[str, float]]] = {}
    for _ in range(rounds):
        for workers in (1, 2):
            server = Serve(workers, DB_URL)
            try:
                for path in PATHS:
                    wrk(server.url + path, 1)  # warm every worker
                    cell = wrk(server.url + path, seconds)
                    samples.setdefault((workers, path), []).append(cell.rps)
                rss[workers] = server.processes_rss_mb()
            finally:
                server.stop()
    return {key: statistics.median(values) for key, values in samples.items()}, rss


def section(rps: dict[tuple[int, str], float], rss: dict, seconds: float, rounds: int) -> str:
    """Return the Markdown section."""
    load = os.getloadavg()[0]
    lines = [
        HEADING,
        "",
        f"`python bench/scaling.py` on {date.today().isoformat()}: the generated project under "
        f"`manage.py serve`, wrk `-t2 -c64` for {seconds:g} s per cell (not pinned: it shares "
        f"the 2 cores with the server), median of {rounds} interleaved rounds; load average "
        f"{load:.1f} when the section was written.",
        "",
        "| endpoint | 1 worker req/s | 2 workers req/s | ratio |",
        "|---|---:|---:|---:|",
    ]
    for path in PATHS:
        one, two = rps[(1, path)], rps[(2, path)]
        lines.append(f"| `GET {path}` | {one:,.0f} | {two:,.0f} | {two / one:.2f} |")
    lines += [
        "",
        "RSS after the load: with one worker `serve` runs the app in its own process; with "
        "two, it starts the workers (and Python's multiprocessing starts a resource tracker).",
        "",
        "| workers | process | RSS (MB) |",
        "|---:|---|---:|",
    ]
    for workers, processes in rss.items():
        lines += [f"| {workers} | {role} | {size:.1f} |" for role, size in processes]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 s per cell, one round")
    parser.add_argument("--write", action="store_true", help="update bench/results.md")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.rounds = 1.0, 1
    rps, rss = measure(args.seconds, args.rounds)
    text = section(rps, rss, args.seconds, args.rounds)
    print(text)
    if args.write and not args.quick:
        write_section(BENCH / "results.md", HEADING, text)


if __name__ == "__main__":
    main()
