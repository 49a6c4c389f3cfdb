"""Tasks: jobs enqueued per second from a request, and enqueue-to-start latency on a worker.

    python bench/tasks.py [--quick] [--output bench/results.md]

On a project made by ``startproject`` (plus an app with one model, one task and three
routes) and a private PostgreSQL server (``scripts/pgcluster.py``):

* throughput: ``serve`` (one process, core 0) under wrk (core 1) for a POST that writes a
  row in an atomic request — alone, then with a job enqueued in the same transaction on the
  ``procrastinate`` backend, then on the ``inprocess`` backend (the job runs in the server);
* latency: one ``manage.py worker``; jobs enqueued through HTTP at a steady pace, each
  recording when it started; latency = start - the moment the request was sent.

The section "Tasks" of the output file is replaced (the rest of the report is kept).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import load  # noqa: E402
from load import Cell, free_port, run_wrk  # noqa: E402

#: Connections of wrk: the size of a generated project's connection pool (5 + 10 overflow),
#: so requests measure the work, not a queue for a connection.
load.CONNECTIONS = 16

HEADING = "## Tasks: jobs enqueued from a request, and latency to a worker"

MODELS = """
from sqlalchemy.orm import Mapped, mapped_column

from framework.db import CRUDMixin, Model


class Entry(CRUDMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(default=0)


class Started(CRUDMixin, Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    sent: Mapped[float] = mapped_column()
    started: Mapped[float] = mapped_column()
"""
TASKS = """
import time

from framework.tasks import task

from .models import Started


@task
async def noop(n: int) -> None:
    return None


@task(queue="latency")
async def stamp(sent: float) -> None:
    await Started.create(sent=sent, started=time.time())
"""
CONTROLLERS = """
from framework.web import Controller, post

from .models import Entry
from .tasks import noop, stamp


class BenchController(Controller):
    path = "/"

    @post("/write")
    async def write(self, request):
        await Entry.create(n=1)
        return None

    @post("/enqueue")
    async def enqueue(self, request):
        await Entry.create(n=1)
        await noop.aenqueue(1)
        return None

    @post("/stamp/{sent}")
    async def stamp(self, request, sent: str):
        await stamp.aenqueue(float(sent))
        return None
"""
SETTINGS = """
import os

INSTALLED_APPS += ["framework.contrib.tasks", "jobs"]
ATOMIC_REQUESTS = True
TASKS = {"default": {"BACKEND": os.environ.get("BENCH_TASKS_BACKEND", "procrastinate")}}
"""
POST_LUA = 'wrk.method = "POST"\nwrk.body = ""\n'


def pgcluster() -> Any:
    if "pgcluster" in sys.modules:
        return sys.modules["pgcluster"]
    spec = importlib.util.spec_from_file_location("pgcluster", ROOT / "scripts" / "pgcluster.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pgcluster"] = module
    spec.loader.exec_module(module)
    return module


class Site:
    """The generated project, on its database."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.root = folder / "benchsite"
        self.env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "false"}
        self.env.pop("FRAMEWORK_SETTINGS_MODULE", None)
        subprocess.run(
            [str(Path(sys.executable).parent / "framework"), "startproject", "benchsite"],
            cwd=folder,
            check=True,
            capture_output=True,
        )
        app = self.root / "jobs"
        app.mkdir()
        (app / "__init__.py").write_text("")
        (app / "models.py").write_text(MODELS)
        (app / "tasks.py").write_text(TASKS)
        (app / "controllers.py").write_text(CONTROLLERS)
        with (self.root / "benchsite" / "settings.py").open("a") as settings:
            settings.write(SETTINGS)
        self.manage("db-migrate", "jobs", "-m", "bench")
        self.manage("db-upgrade")

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=self.root,
            env=self.env,
            check=True,
            capture_output=True,
        )

    def start(
        self, args: list[str], backend: str = "procrastinate", log: Path | None = None
    ) -> subprocess.Popen[bytes]:
        sink = log.open("wb") if log is not None else subprocess.DEVNULL
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=self.root,
            env={**self.env, "BENCH_TASKS_BACKEND": backend},
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def serve(site: Site, backend: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = site.start(["serve", "--port", str(port), "--log-level", "warning"], backend=backend)
    os.sched_setaffinity(process.pid, {0})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.post(f"{url}/write", timeout=2)
            return process, url
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the bench server did not start")


def throughput(site: Site, seconds: float, script: Path) -> dict[str, Cell]:
    cells: dict[str, Cell] = {}
    for label, backend, path in [
        ("row only (no job)", "procrastinate", "/write"),
        ("row + job, procrastinate", "procrastinate", "/enqueue"),
        ("row + job, inprocess", "inprocess", "/enqueue"),
    ]:
        process, url = serve(site, backend)
        try:
            run_wrk(url + path, min(seconds, 3), script)  # warm-up
            cells[label] = run_wrk(url + path, seconds, script)
        finally:
            process.terminate()
            process.wait(timeout=30)
    return cells


def drain(site: Site) -> tuple[int, float]:
    """Return how many queued no-op jobs one worker (concurrency 4) ran, and in how long."""
    queued = query(site, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'")
    log = site.root / "drain.log"
    worker = site.start(["worker", "--queues", "default", "--concurrency", "4"], log=log)
    try:
        wait_listening(worker, log)
        started = time.monotonic()
        deadline = started + 600
        while query(site, "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'"):
            if time.monotonic() > deadline:
                raise RuntimeError("the worker did not drain the queue in 10 minutes")
            time.sleep(0.2)
        return queued, time.monotonic() - started
    finally:
        worker.terminate()
        worker.wait(timeout=60)


def wait_listening(worker: subprocess.Popen[bytes], log: Path) -> None:
    """Wait until the worker's log says it is taking jobs."""
    deadline = time.monotonic() + 60
    while "Starting worker on" not in log.read_text():
        if time.monotonic() > deadline or worker.poll() is not None:
            raise RuntimeError(f"the worker did not start:\n{log.read_text()}")
        time.sleep(0.1)


def query(site: Site, sql: str) -> Any:
    import asyncio

    import asyncpg  # the bench reads the rows directly

    url = site.env["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")

    async def run() -> Any:
        connection = await asyncpg.connect(url)
        try:
            return await connection.fetchval(sql)
        finally:
            await connection.close()

    return asyncio.run(run())


def latency(site: Site, count: int, pace: float) -> list[float]:
    log = site.root / "worker.log"
    worker = site.start(["worker", "--queues", "latency", "--concurrency", "4"], log=log)
    server, url = serve(site, "procrastinate")
    try:
        wait_listening(worker, log)
        with httpx.Client() as client:
            for _ in range(count):
                client.post(f"{url}/stamp/{time.time()!r}")
                time.sleep(pace)  # a steady rate of jobs, not a wait for one
        return wait_for_stamps(site, count)
    finally:
        for process in (worker, server):
            process.terminate()
            process.wait(timeout=60)


def wait_for_stamps(site: Site, count: int) -> list[float]:
    deadline = time.monotonic() + 120
    while query(site, "SELECT count(*) FROM jobs_started") < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"not all {count} jobs ran in 120 s")
        time.sleep(0.2)
    delays = query(site, "SELECT array_agg((started - sent) * 1000) FROM jobs_started")
    return sorted(delays)


def percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, round(share * (len(values) - 1)))]


def section(
    cells: dict[str, Cell],
    drained: tuple[int, float],
    delays: list[float],
    seconds: float,
    load_average: float,
) -> str:
    base = cells["row only (no job)"].rps
    lines = [
        HEADING,
        "",
        f"`python bench/tasks.py` on {dt.date.today().isoformat()}: a `startproject` project, "
        f"`ATOMIC_REQUESTS = True`, one `serve` process on core 0, wrk ({load.CONNECTIONS} "
        "connections, "
        f"{seconds:g} s) on core 1, PostgreSQL {pg_version()} from `scripts/pgcluster.py` "
        f"(no fsync) sharing the machine; load average {load_average:.1f} when the run began "
        "(other work on the machine makes every number here lower and noisier).",
        "",
        "| POST handler | req/s (= jobs/s) | ratio to row only | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for label, cell in cells.items():
        lines.append(
            f"| {label} | {cell.rps:,.0f} | {cell.rps / base:.2f} | {cell.p50:.2f} | "
            f"{cell.p99:.2f} | {cell.errors} |"
        )
    jobs, elapsed = drained
    lines += [
        "",
        f"The {jobs:,} no-op jobs left queued by the procrastinate row, run by one "
        f"`manage.py worker --concurrency 4` once it listens (the server stopped): "
        f"{elapsed:.1f} s, {jobs / elapsed:,.0f} jobs/s.",
        "",
        f"End-to-end latency, request sent → job started on one `manage.py worker` "
        f"(LISTEN/NOTIFY), {len(delays)} jobs at a steady pace:",
        "",
        "| jobs | p50 ms | p90 ms | p99 ms | max ms | mean ms |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {len(delays)} | {percentile(delays, 0.5):.1f} | {percentile(delays, 0.9):.1f} | "
        f"{percentile(delays, 0.99):.1f} | {max(delays):.1f} | {statistics.mean(delays):.1f} |",
        "",
    ]
    return "\n".join(lines)


def pg_version() -> str:
    bindir = pgcluster().find_bindir()
    out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True)
    return out.stdout.split()[2] if out.returncode == 0 else "?"


def write(output: Path, text: str) -> None:
    report = output.read_text() if output.exists() else "# Benchmark results\n"
    if HEADING in report:
        before, _, rest = report.partition(HEADING)
        after = rest.split("\n## ", 1)
        report = before + text + ("\n## " + after[1] if len(after) > 1 else "")
    else:
        report = report.rstrip("\n") + "\n\n" + text
    output.write_text(report)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 s per cell, 20 jobs")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.md")
    options = parser.parse_args()
    seconds, count = (1.0, 20) if options.quick else (10.0, 300)
    load_average = os.getloadavg()[0]
    cluster = pgcluster().start_cluster()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-tasks-") as folder:
            url = cluster.url.rsplit("/", 1)[0] + "/postgres"
            site = Site(Path(folder), url)
            script = Path(folder) / "post.lua"
            script.write_text(POST_LUA)
            cells = throughput(site, seconds, script)
            drained = drain(site)
            delays = latency(site, count, pace=0.05)
        text = section(cells, drained, delays, seconds, load_average)
        write(options.output, text)
        print(text)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
