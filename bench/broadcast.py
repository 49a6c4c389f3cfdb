"""Broadcast fan-out: messages per second to 100 WebSocket subscribers over a real server.

    python bench/broadcast.py            # 3 rounds of 2000 messages per contender
    python bench/broadcast.py --quick    # 1 round of 200 (proves the harness; no figures kept)
    python bench/broadcast.py --write    # also replace the section of bench/results.md

The server is the chat example of docs/websockets.md in a project made by ``startproject``,
run by ``manage.py serve --workers 1`` with each backend (``memory``; ``redis`` and
``postgres`` on private servers started here), beside the same chat hand-written in raw
Starlette (one process, a set of sockets: the floor). One client sends the messages, at most
100 ahead of their broadcast coming back to it; 100 others receive. A round's figure is
messages published per second until every subscriber has received every message; a cell is
the median of the rounds.
The server runs on core 0, the clients on core 1; Redis and PostgreSQL share core 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.md"
HEADING = "## Broadcast fan-out"
SERVER_CORE = "0"
CLIENT_CORE = 1
#: Messages the publisher may have sent before their broadcast came back to it.
IN_FLIGHT = 100


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_project(base: Path) -> Path:
    """Generate a project whose ``live`` app is the chat example of docs/websockets.md."""
    framework = Path(sys.executable).parent / "framework"
    subprocess.run([str(framework), "startproject", "mysite"], cwd=base, check=True)
    project = base / "mysite"
    subprocess.run([sys.executable, "manage.py", "startapp", "live"], cwd=project, check=True)
    text = (ROOT / "docs" / "websockets.md").read_text()
    blocks = re.findall(r"^```python\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    (project / "live" / "controllers.py").write_text(
        next(block for block in blocks if "class ChatController" in block)
    )
    return project


@contextlib.contextmanager
def server(args: list[str], cwd: Path, env: dict[str, str], logs: Path) -> Iterator[str]:
    """Run a server on core 0 (its output in *logs*); yield its ws:// URL; stop it."""
    port = free_port()
    log = (logs / f"server-{port}.log").open("wb")
    process = subprocess.Popen(
        ["taskset", "-c", SERVER_CORE, *args, "--port", str(port)],
        cwd=cwd,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: see {log.name}")
            try:
                httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: see {log.name}") from None
                time.sleep(0.1)
        yield f"ws://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


async def one_round(base_url: str, subscribers: int, messages: int) -> float:
    """Return messages per second delivered to every subscriber in one round."""
    url = f"{base_url}/chat/bench"
    # No keep-alive pings: a saturated server answers them late, and that is what is measured.
    clients = [await connect(url, max_queue=None, ping_interval=None) for _ in range(subscribers)]
    publisher = await connect(url, max_queue=None, ping_interval=None)
    done = asyncio.Event()
    remaining = subscribers
    echoed = 0
    window = asyncio.Condition()

    async def receive_echoes() -> None:
        nonlocal echoed
        for _ in range(messages):
            await publisher.recv()
            async with window:
                echoed += 1
                window.notify_all()

    async def receive(client: Any) -> None:
        nonlocal remaining
        for _ in range(messages):
            json.loads(await client.recv())
        remaining -= 1
        if remaining == 0:
            done.set()

    readers = [asyncio.create_task(receive(client)) for client in clients]
    drain = asyncio.create_task(receive_echoes())
    start = time.perf_counter()
    for number in range(messages):
        async with window:  # at most IN_FLIGHT messages sent and not yet broadcast back
            while number - echoed >= IN_FLIGHT:
                await window.wait()
        await publisher.send(f"message {number}")
    await asyncio.wait_for(done.wait(), timeout=600)
    elapsed = time.perf_counter() - start
    await drain
    for task in readers:
        await task
    for client in [*clients, publisher]:
        await client.close()
    return messages / elapsed


def measure(base_url: str, subscribers: int, messages: int, rounds: int) -> float:
    asyncio.run(one_round(base_url, subscribers, min(messages, 100)))  # warm-up
    figures = [asyncio.run(one_round(base_url, subscribers, messages)) for _ in range(rounds)]
    return statistics.median(figures)


def run(subscribers: int, messages: int, rounds: int) -> dict[str, float]:
    """Measure every contender; return messages per second by name."""
    results: dict[str, float] = {}
    serve = [sys.executable, "manage.py", "serve", "--workers", "1", "--log-level", "warning"]
    # Room for every message: the bench measures throughput, not the slow-subscriber limit.
    options = {"max_queue": messages + 100}
    redisserver, pgcluster = _script("redisserver"), _script("pgcluster")
    with tempfile.TemporaryDirectory(prefix="bench-broadcast-") as folder:
        project = make_project(Path(folder))
        raw = [sys.executable, "-m", "uvicorn", "broadcast_raw:app", "--log-level", "warning"]
        logs = Path(folder)
        with server(raw, ROOT / "bench" / "apps", {}, logs) as url:
            results["Starlette (raw, one process)"] = measure(url, subscribers, messages, rounds)
        base_env = {"DEBUG": "false"}
        memory = json.dumps({"BACKEND": "memory", "OPTIONS": options})
        with server(serve, project, {**base_env, "BROADCAST": memory}, logs) as url:
            results["framework, memory"] = measure(url, subscribers, messages, rounds)
        redis = redisserver.start_server()
        try:
            setting = json.dumps({"BACKEND": "redis", "LOCATION": redis.url, "OPTIONS": options})
            with server(serve, project, {**base_env, "BROADCAST": setting}, logs) as url:
                results["framework, redis"] = measure(url, subscribers, messages, rounds)
        finally:
            redis.close()
        cluster = pgcluster.start_cluster()
        try:
            setting = json.dumps({"BACKEND": "postgres", "OPTIONS": options})
            env = {**base_env, "BROADCAST": setting, "DATABASE_URL": cluster.url}
            with server(serve, project, env, logs) as url:
                results["framework, postgres"] = measure(url, subscribers, messages, rounds)
        finally:
            cluster.stop()
    return results


def report(
    results: dict[str, float], subscribers: int, messages: int, rounds: int, load: float
) -> str:
    floor = results["Starlette (raw, one process)"]
    lines = [
        HEADING,
        "",
        f"`python bench/broadcast.py`: the chat example of docs/websockets.md on one "
        f"`serve` worker, {subscribers} WebSocket subscribers, {messages} messages sent by "
        f"one more client (at most {IN_FLIGHT} in flight), median of {rounds} rounds; "
        f"date {time.strftime('%Y-%m-%d')}, "
        f"{platform.machine()}, {os.cpu_count()} cores (server on core 0, clients on core 1), "
        f"load average {load:.1f} at the start (other work shares the machine). "
        "Messages per second until every subscriber has every message; deliveries per second "
        f"are that times {subscribers}. Ratio to the hand-written Starlette chat (one process, no "
        "broadcast layer, so it cannot cross processes).",
        "",
        "| server | messages/s | deliveries/s | ratio to raw |",
        "|---|---|---|---|",
    ]
    for name, rate in results.items():
        lines.append(f"| {name} | {rate:,.0f} | {rate * subscribers:,.0f} | {rate / floor:.2f} |")
    return "\n".join(lines) + "\n"


def write_section(section: str, path: Path = RESULTS) -> None:
    """Replace (or add) the fan-out section of *path*, leaving the rest as it is."""
    text = path.read_text()
    if HEADING in text:
        before, after = text.split(HEADING, 1)
        rest = after.split("\n## ", 1)
        tail = "\n## " + rest[1] if len(rest) == 2 else ""
        text = before + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round of 200 messages")
    parser.add_argument("--write", action="store_true", help="update bench/results.md")
    parser.add_argument("--subscribers", type=int, default=100)
    parser.add_argument("--messages", type=int, default=2000)
    options = parser.parse_args()
    if shutil.which("taskset") is None:
        raise SystemExit("taskset (util-linux) is needed to pin the server to one core.")
    messages, rounds = (min(options.messages, 200), 1) if options.quick else (options.messages, 3)
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {CLIENT_CORE})
    load = os.getloadavg()[0]
    results = run(options.subscribers, messages, rounds)
    section = report(results, options.subscribers, messages, rounds, load)
    print(section)
    if options.write and not options.quick:
        write_section(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
