"""Load and fault scripts: the server under stress and under kill -9, and what survives.

    python bench/robustness.py            # full run, writes bench/robustness.md
    python bench/robustness.py --quick    # short durations (the test suite runs this)

Scenarios, each against the robustness project in bench/apps/robust_site served by
``manage.py serve`` on 127.0.0.1 with a fresh SQLite database:

1. 200 concurrent keep-alive clients on a database route: every request answered 200.
2. Oversized uploads in parallel: every one refused with 413, server memory bounded.
3. kill -9 while clients write: every acknowledged write survives, integrity check ok.
4. kill -9 during ``db-upgrade``: the database is at exactly the old or the new revision.
5. SIGTERM with requests in flight: they complete, new connections are refused, exit 0.

A verdict never depends on the machine's speed: the scenarios give a fixed amount of work
and wait for conditions (a count of requests in flight, a number of acknowledged writes, a
refused connection) with deadlines far beyond what a loaded machine needs; time limits only
catch a request that never comes back. Throughput and latency are reported, never judged.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import free_port
from tools import BENCH, PROJECT_PYTHON, ensure_commands

SITE = BENCH / "apps" / "robust_site"
SECRET = "robust-secret-0123456789-abcdefghijklmnop"
OLD, NEW = "f74e8b46421c", "a1c0ffee0002"
#: Seconds to wait for a condition (a server up, a request answered) before calling it lost:
#: far beyond what a busy machine needs, so only something stuck reaches it.
PATIENCE = 120.0


class Project:
    """The robustness project with its own throwaway database file."""

    def __init__(self, folder: Path) -> None:
        self.db_path = folder / "robust.sqlite3"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite+aiosqlite:///{self.db_path}",
            "SECRET_KEY": SECRET,
            "DEBUG": "false",
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("FRAMEWORK_SETTINGS_MODULE", None)

    def manage(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PROJECT_PYTHON), "manage.py", *args],
            cwd=SITE,
            env={**self.env, **extra},
            capture_output=True,
            text=True,
        )

    def serve(self, port: int, **extra: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [
                str(PROJECT_PYTHON),
                "manage.py",
                "serve",
                "--port",
                str(port),
                "--graceful-timeout",
                "15",
                "--log-level",
                "warning",
            ],
            cwd=SITE,
            env={**self.env, **extra},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline and process.poll() is None:
            try:
                httpx.get(f"http://127.0.0.1:{port}/entries", timeout=5)
                return process
            except httpx.TransportError:
                time.sleep(0.1)
        process.kill()
        raise RuntimeError("the robustness server did not start")

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db_path) as connection:
            return connection.execute(sql).fetchall()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def scenario_load(project: Project, total: int) -> dict[str, Any]:
    """200 keep-alive clients send *total* ``GET /entries`` (a COUNT query) between them.

    The verdict counts answers, not time: every request must come back, and with a 200.
    ``ab -r`` keeps going on a socket error so it is counted, ``-s`` lets a slow answer be
    slow; throughput and latency are reported.
    """
    port = free_port()
    server = project.serve(port)
    try:
        result = subprocess.run(
            [
                *("ab", "-q", "-k", "-r", "-s", str(int(PATIENCE))),
                *("-c", "200", "-n", str(total), f"http://127.0.0.1:{port}/entries"),
            ],
            capture_output=True,
            text=True,
        )
    finally:
        server.terminate()
        server.wait(timeout=PATIENCE)
    answers = parse_ab(result.stdout)
    lost = total - answers["complete"]
    return {
        "requests": total,
        "answered": answers["complete"],
        "lost": lost,
        "failed": answers["failed"],
        "non-2xx": answers["non-2xx"],
        "requests/s": round(answers["rps"]),
        "p99 ms": answers["p99"],
        "ok": result.returncode == 0 and lost == 0 and not answers["failed"] + answers["non-2xx"],
    }


def parse_ab(text: str) -> dict[str, Any]:
    """Return what ``ab`` counted: complete, failed and non-2xx requests, req/s, p99 in ms."""

    def number(pattern: str, default: float = 0) -> float:
        match = re.search(pattern, text, re.M)
        return float(match.group(1)) if match else default

    return {
        "complete": int(number(r"^Complete requests:\s+(\d+)")),
        "failed": int(number(r"^Failed requests:\s+(\d+)")),
        "non-2xx": int(number(r"^Non-2xx responses:\s+(\d+)")),
        "rps": number(r"^Requests per second:\s+([\d.]+)"),
        "p99": number(r"^\s+99%\s+(\d+)", float("nan")),
    }


def _upload(port: int, size: int, chunked: bool) -> int:
    """Send *size* bytes (honest Content-Length, or chunked); return the status received."""
    head = f"POST /upload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {size}\r\n\r\n"
    block = b"x" * 65536
    with socket.create_connection(("127.0.0.1", port), timeout=PATIENCE) as sock:
        sock.sendall(head.encode())
        sent = 0
        try:
            while sent < size:
                data = block if not chunked else b"%x\r\n%s\r\n" % (len(block), block)
                sock.sendall(data)
                sent += len(block)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed while we were still sending: expected
        response = b""
        while b"\r\n" not in response:
            chunk = sock.recv(4096)
            if not chunk:
                break
            response += chunk
    return int(response.split()[1]) if response else 0


async def _uploads(port: int, count: int, size: int) -> list[int]:
    loop = asyncio.get_running_loop()
    jobs = [loop.run_in_executor(None, _upload, port, size, n % 2 == 1) for n in range(count)]
    return list(await asyncio.gather(*jobs))


def scenario_uploads(project: Project, count: int, size_mb: int) -> dict[str, Any]:
    """*count* parallel uploads of *size_mb* MB each to a 1 MB route."""
    port = free_port()
    server = project.serve(port)
    try:
        before = rss_mb(server.pid)
        statuses = asyncio.run(_uploads(port, count, size_mb * 1024 * 1024))
        after = rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=PATIENCE)
    refused = statuses.count(413)
    growth = after - before
    return {
        "uploads": count,
        "MB each": size_mb,
        "413": refused,
        "RSS before MB": round(before, 1),
        "RSS growth MB": round(growth, 1),
        "ok": refused == count and growth < 50,
    }


async def _writer(base: str, prefix: str, acknowledged: list[str], stop: asyncio.Event) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=PATIENCE) as client:
        n = 0
        while not stop.is_set():
            key = f"{prefix}-{n}"
            try:
                response = await client.post(f"/entries/{key}")
            except httpx.TransportError:
                return
            if response.status_code == 200:
                acknowledged.append(key)
            n += 1


async def _write_then_kill(port: int, server: subprocess.Popen[bytes], writes: int) -> list[str]:
    """Write with 8 clients; kill -9 the server once *writes* are acknowledged, mid-stream."""
    acknowledged: list[str] = []
    stop = asyncio.Event()
    base = f"http://127.0.0.1:{port}"
    writers = [asyncio.create_task(_writer(base, f"w{i}", acknowledged, stop)) for i in range(8)]
    deadline = time.monotonic() + PATIENCE
    while len(acknowledged) < writes and time.monotonic() < deadline:
        if all(writer.done() for writer in writers):
            break
        await asyncio.sleep(0.01)
    server.send_signal(signal.SIGKILL)
    await asyncio.gather(*writers)
    return acknowledged


def scenario_kill_writes(project: Project, writes: int) -> dict[str, Any]:
    """Kill -9 the server while 8 clients write; every acknowledged key must be there."""
    port = free_port()
    server = project.serve(port)
    acknowledged = asyncio.run(_write_then_kill(port, server, writes))
    server.wait(timeout=PATIENCE)
    stored = {key for (key,) in project.query("SELECT key FROM ledger_entry")}
    lost = [key for key in acknowledged if key not in stored]
    integrity = project.query("PRAGMA integrity_check")[0][0]
    return {
        "acknowledged": len(acknowledged),
        "lost": len(lost),
        "integrity_check": integrity,
        "ok": not lost and integrity == "ok" and len(acknowledged) >= writes,
    }


def scenario_kill_upgrade(folder: Path) -> dict[str, Any]:
    """Kill -9 ``db-upgrade`` inside the second migration; the revision is old or new."""
    project = Project(folder / "upgrade")
    (folder / "upgrade").mkdir()
    marker = folder / "stalling"
    assert project.manage("db-upgrade", OLD).returncode == 0
    process = subprocess.Popen(
        [str(PROJECT_PYTHON), "manage.py", "db-upgrade"],
        cwd=SITE,
        env={**project.env, "ROBUST_STALL_MARKER": str(marker), "ROBUST_STALL_SECONDS": "600"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + PATIENCE
    while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    versions = [row[0] for row in project.query("SELECT version_num FROM alembic_version")]
    columns = [row[1] for row in project.query("PRAGMA table_info(ledger_entry)")]
    integrity = project.query("PRAGMA integrity_check")[0][0]
    rerun = project.manage("db-upgrade")
    after = [row[0] for row in project.query("SELECT version_num FROM alembic_version")]
    consistent = (versions == [OLD] and "note" not in columns) or (
        versions == [NEW] and "note" in columns
    )
    return {
        "revision after kill": ",".join(versions),
        "note column": "note" in columns,
        "integrity_check": integrity,
        "rerun": "ok" if rerun.returncode == 0 else "failed",
        "revision after rerun": ",".join(after),
        "ok": consistent and integrity == "ok" and after == [NEW],
    }


async def _until(condition: Any) -> bool:
    """Wait until the coroutine function *condition* returns true (at most PATIENCE)."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if await condition():
            return True
        await asyncio.sleep(0.05)
    return False


async def _in_flight(
    port: int, server: subprocess.Popen[bytes], count: int, release: Path
) -> dict[str, Any]:
    """Hold *count* requests in the server, SIGTERM it, check it refuses new connections,
    then let the held requests answer."""
    base = f"http://127.0.0.1:{port}"

    async def all_held() -> bool:
        async with httpx.AsyncClient(timeout=PATIENCE) as probe:
            answer = await probe.get(f"{base}/slow/in-flight")
        return bool(answer.json()["in flight"] == count)

    async def refused() -> bool:
        try:
            async with httpx.AsyncClient(timeout=PATIENCE) as probe:
                await probe.get(f"{base}/entries")
        except httpx.TransportError:
            return True
        return False

    async with httpx.AsyncClient(base_url=base, timeout=PATIENCE) as client:
        requests = [asyncio.create_task(client.get("/slow")) for _ in range(count)]
        held = await _until(all_held)
        server.send_signal(signal.SIGTERM)
        refusing = await _until(refused)
        release.touch()
        responses = await asyncio.gather(*requests, return_exceptions=True)
    completed = sum(
        1
        for r in responses
        if isinstance(r, httpx.Response) and r.status_code == 200 and r.json()["released"]
    )
    return {
        "in flight": count if held else "not all reached the server",
        "completed": completed,
        "new connection refused": refusing,
    }


def scenario_sigterm(project: Project, folder: Path) -> dict[str, Any]:
    """SIGTERM with 10 requests in flight: they finish, new ones are refused, exit 0."""
    port = free_port()
    release = folder / "release"
    server = project.serve(port, ROBUST_RELEASE_FILE=str(release))
    result = asyncio.run(_in_flight(port, server, 10, release))
    result["exit code"] = server.wait(timeout=PATIENCE)
    result["ok"] = (
        result["completed"] == result["in flight"]
        and result["new connection refused"]
        and result["exit code"] == 0
    )
    return result


def write_report(path: Path, results: dict[str, dict[str, Any]], quick: bool) -> None:
    lines = [
        "# Robustness results",
        "",
        f"Date {date.today().isoformat()}; {'quick' if quick else 'full'} run of "
        "`python bench/robustness.py`; server: `manage.py serve` (uvicorn, 1 worker) on "
        "127.0.0.1, SQLite database.",
        "",
    ]
    for name, values in results.items():
        verdict = "pass" if values.pop("ok") else "FAIL"
        lines += [f"## {name}: {verdict}", "", "| measure | value |", "|---|---|"]
        lines += [f"| {key} | {value} |" for key, value in values.items()]
        lines.append("")
    path.write_text("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", type=Path, default=BENCH / "robustness.md")
    args = parser.parse_args()
    ensure_commands()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = Project(folder)
        migrated = project.manage("db-upgrade")
        if migrated.returncode != 0:
            raise SystemExit(migrated.stderr)
        results = {
            "200 keep-alive clients on a database route": scenario_load(
                project, 2000 if args.quick else 20000
            ),
            "Oversized uploads in parallel": scenario_uploads(
                project, 8 if args.quick else 40, 5 if args.quick else 20
            ),
            "kill -9 during writes": scenario_kill_writes(project, 200 if args.quick else 4000),
            "kill -9 during db-upgrade": scenario_kill_upgrade(folder),
            "SIGTERM with requests in flight": scenario_sigterm(project, folder),
        }
    failed = [name for name, values in results.items() if not values["ok"]]
    write_report(args.output, results, args.quick)
    print(args.output.read_text())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
