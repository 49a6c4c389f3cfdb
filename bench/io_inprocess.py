"""Per-request cost of a validated ``POST /items`` in-process: framework vs hand-written Starlette.

No server and no sockets: each app is called as an ASGI callable with a prepared scope, so the
numbers are the frameworks' own work (parsing, validation, serialisation, middleware,
dispatch). The Starlette app is ``bench/apps/raw_starlette.py``'s ``items`` endpoint; the
framework app is the same endpoint written with ``@input``/``@output``, behind the default
``MIDDLEWARE`` (host check, security headers).

    .venv/bin/python bench/io_inprocess.py [--requests 20000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BODY = b'{"name": "widget", "price": 1.5, "tags": ["a", "b"]}'
ASGIApp = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


class Item(BaseModel):
    name: str
    price: float
    tags: list[str] = []


async def items(request: Request) -> JSONResponse:
    """The hand-written endpoint, as in bench/apps/raw_starlette.py."""
    try:
        item = Item.model_validate_json(await request.body())
    except ValidationError as exc:
        return JSONResponse({"detail": exc.errors(include_url=False)}, status_code=422)
    return JSONResponse(item.model_dump(), status_code=201)


def starlette_app() -> ASGIApp:
    return Starlette(routes=[Route("/items", items, methods=["POST"])])


def framework_app() -> ASGIApp:
    os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 50)
    from framework.io import input, output
    from framework.web import App

    app = App()

    @app.post("/items")
    @input(Item)
    @output(Item, status_code=201)
    async def create(request: Any, data: Item) -> Item:
        return data

    return app


def scope() -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/items",
        "raw_path": b"/items",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(BODY)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def one(app: ASGIApp) -> int:
    """Send one request; return the status code."""
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope(), receive, send)
    return status


async def measure(app: ASGIApp, requests: int) -> float:
    """Return microseconds per request over *requests* sequential requests."""
    start = time.perf_counter()
    for _ in range(requests):
        await one(app)
    return (time.perf_counter() - start) / requests * 1e6


async def main(requests: int, rounds: int) -> None:
    apps = {"starlette": starlette_app(), "framework": framework_app()}
    for name, app in apps.items():
        assert await one(app) == 201, f"{name} did not answer 201"
        await measure(app, 2000)  # warm-up
    results: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(rounds):  # interleaved, so both see the same machine state
        for name, app in apps.items():
            results[name].append(await measure(app, requests))
    medians = {name: statistics.median(values) for name, values in results.items()}
    for name, value in medians.items():
        print(f"{name:10s} {value:7.1f} µs/request  {1e6 / value:9.0f} requests/s")
    ratio = medians["starlette"] / medians["framework"]
    print(f"framework throughput = {ratio:.2f} x hand-written Starlette + pydantic")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.rounds))
