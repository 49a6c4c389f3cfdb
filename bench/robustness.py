"""Load and fault scripts: the server under stress and under kill -9, and what survives.

    python bench/robustness.py            # full run, writes bench/robustness.md
    python bench/robustness.py --quick    # short durations (the test suite runs this)

Scenarios, each against the robustness project in bench/apps/robust_site served by
``manage.py serve`` on 127.0.0.1 with a fresh SQLite database:

1. 200 concurrent keep-alive clients on a database route: no errors.
2. Oversized uploads in parallel: every one refused with 413, server memory bounded.
3. kill -9 while clients write: every acknowledged write survives, integrity check ok.
4. kill -9 during ``db-upgrade``: the database is at exactly the old or the new revision.
5. SIGTERM with requests in flight: they complete, new connections are refused, exit 0.
"""

from __future__ import annotations

import argparse
import asyncio
import os
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

    def serve(self, port: int) -> subprocess.Popen[bytes]:
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
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/entries", timeout=1)
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


def scenario_load(project: Project, seconds: int) -> dict[str, Any]:
    """200 keep-alive clients for *seconds* on ``GET /entries`` (a COUNT query)."""
    port = free_port()
    server = project.serve(port)
    try:
        result = subprocess.run(
            [
                "wrk",
                "-t2",
                "-c200",
                f"-d{seconds}s",
                "--latency",
                f"http://127.0.0.1:{port}/entries",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    from load import parse_wrk

    cell = parse_wrk(result)
    return {
        "requests/s": round(cell.rps),
        "p99 ms": round(cell.p99, 1),
        "errors": cell.errors,
        "ok": cell.errors == 0,
    }


def _upload(port: int, size: int, chunked: bool) -> int:
    """Send *size* bytes (honest Content-Length, or chunked); return the status received."""
    head = f"POST /upload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    head += "Transfer-Encoding: chunked\r\n\r\n" if chunked else f"Content-Length: {size}\r\n\r\n"
    block = b"x" * 65536
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
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
        server.wait(timeout=30)
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
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
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


async def _write_then_kill(port: int, server: subprocess.Popen[bytes], seconds: float) -> list[str]:
    acknowledged: list[str] = []
    stop = asyncio.Event()
    base = f"http://127.0.0.1:{port}"
    writers = [asyncio.create_task(_writer(base, f"w{i}", acknowledged, stop)) for i in range(8)]
    await asyncio.sleep(seconds)
    server.send_signal(signal.SIGKILL)
    await asyncio.gather(*writers)
    return acknowledged


def scenario_kill_writes(project: Project, seconds: float) -> dict[str, Any]:
    """Kill -9 the server while 8 clients write; every acknowledged key must be there."""
    port = free_port()
    server = project.serve(port)
    acknowledged = asyncio.run(_write_then_kill(port, server, seconds))
    server.wait(timeout=30)
    stored = {key for (key,) in project.query("SELECT key FROM ledger_entry")}
    lost = [key for key in acknowledged if key not in stored]
    integrity = project.query("PRAGMA integrity_check")[0][0]
    return {
        "acknowledged": len(acknowledged),
        "lost": len(lost),
        "integrity_check": integrity,
        "ok": not lost and integrity == "ok" and len(acknowledged) > 0,
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
        env={**project.env, "ROBUST_STALL_MARKER": str(marker)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
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


async def _in_flight(port: int, server: subprocess.Popen[bytes], count: int) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        requests = [
            asyncio.create_task(client.get("/slow", params={"seconds": 2})) for _ in range(count)
        ]
        await asyncio.sleep(0.7)
        server.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.3)
        try:
            await httpx.AsyncClient().get(f"http://127.0.0.1:{port}/entries", timeout=2)
            refused = False
        except httpx.TransportError:
            refused = True
        responses = await asyncio.gather(*requests, return_exceptions=True)
    completed = sum(1 for r in responses if isinstance(r, httpx.Response) and r.status_code == 200)
    return {"in flight": count, "completed": completed, "new connection refused": refused}


def scenario_sigterm(project: Project) -> dict[str, Any]:
    """SIGTERM with 10 slow requests in flight: they finish, new ones are refused, exit 0."""
    port = free_port()
    server = project.serve(port)
    result = asyncio.run(_in_flight(port, server, 10))
    result["exit code"] = server.wait(timeout=30)
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
                project, 3 if args.quick else 30
            ),
            "Oversized uploads in parallel": scenario_uploads(
                project, 8 if args.quick else 40, 5 if args.quick else 20
            ),
            "kill -9 during writes": scenario_kill_writes(project, 1.5 if args.quick else 10),
            "kill -9 during db-upgrade": scenario_kill_upgrade(folder),
            "SIGTERM with requests in flight": scenario_sigterm(project),
        }
    failed = [name for name, values in results.items() if not values["ok"]]
    write_report(args.output, results, args.quick)
    print(args.output.read_text())
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
