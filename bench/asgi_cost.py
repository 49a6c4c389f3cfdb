"""Per-request cost of each contender's ASGI app, in-process: no server, no network.

A steadier signal than wrk on a busy machine: it calls the app directly with a prepared
scope and counts microseconds per request (best of several runs). It leaves out the server
(uvicorn's parsing and header handling), so it shows the framework's own cost.

    python bench/asgi_cost.py framework starlette
"""

from __future__ import annotations

import asyncio
import importlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

APPS = Path(__file__).resolve().parent / "apps"
TARGETS = {
    "starlette": ("raw_starlette", "app", None),
    "framework": ("benchsite.asgi", "app", APPS / "framework_site"),
}
REQUESTS = {
    "hello": ("GET", "/hello", b""),
    "json": ("GET", "/json", b""),
    "user": ("GET", "/users/7", b""),
    "users": ("GET", "/users", b""),
    "items": ("POST", "/items", json.dumps({"name": "w", "price": 9.99, "tags": ["a"]}).encode()),
}


def scope_for(method: str, path: str, body: bytes) -> dict[str, Any]:
    headers = [(b"host", b"127.0.0.1"), (b"user-agent", b"bench")]
    if body:
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def one(app: Any, method: str, path: str, body: bytes) -> int:
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope_for(method, path, body), receive, send)
    return status


async def measure(app: Any, request: tuple[str, str, bytes], count: int, runs: int) -> float:
    for _ in range(200):
        await one(app, *request)
    best = float("inf")
    for _ in range(runs):
        # CPU time of this process (the driver's threads included), steadier than wall time
        # on a busy machine.
        start = time.process_time()
        for _ in range(count):
            await one(app, *request)
        best = min(best, (time.process_time() - start) / count)
    return best * 1e6


async def main(names: list[str]) -> None:
    sys.path.insert(0, str(APPS))
    from common import DB_URL, seed

    seed()
    os.environ.setdefault("DATABASE_URL", DB_URL)
    os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 50)
    results: dict[str, dict[str, float]] = {}
    for name in names:
        module, attribute, root = TARGETS[name]
        if root:
            sys.path.insert(0, str(root))
        app = getattr(importlib.import_module(module), attribute)
        # Run the lifespan startup so the app is built as a server would build it.
        router = getattr(app, "router", None)
        if hasattr(app, "build"):
            app.build()
        results[name] = {}
        for key, request in REQUESTS.items():
            count = 300 if key in ("users", "user") else 3000
            results[name][key] = await measure(app, request, count, runs=5)
        del router
    print(f"{'endpoint':8}" + "".join(f"{n:>12}" for n in names) + "   (µs per request)")
    for key in REQUESTS:
        print(f"{key:8}" + "".join(f"{results[n][key]:12.1f}" for n in names))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:] or ["starlette", "framework"]))
