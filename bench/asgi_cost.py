"""Per-request cost of one contender's ASGI app, in-process: no server, no network.

A steadier signal than wrk on a busy machine: it calls the app directly with a prepared
scope (after the app's lifespan startup, as a server would run it) and counts CPU
microseconds per request, best of several runs. It leaves out the server (uvicorn's parsing
and header handling), so it shows the framework's own cost. One contender per process: two
framework projects cannot share one process's settings.

    python bench/asgi_cost.py framework              # a table on stdout
    python bench/asgi_cost.py framework --json       # {endpoint: µs}, for bench/run.py
    python bench/asgi_cost.py framework --profile json   # cProfile of GET /json, top 30
    python bench/asgi_cost.py routes-framework       # 300 routes: first, last (many_routes.py)
    python bench/asgi_cost.py admin                  # admin list page, REST list (admin_list.py)
    python bench/asgi_cost.py gql-framework          # GraphQL and REST list (graphql_vs_rest.py)
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
APPS = BENCH / "apps"
WORK = BENCH / ".work"
#: The SQLite files of the projects that do not read the shared one (apps/common.py).
ADMIN_DATABASE = WORK / "benchadmin.sqlite3"
GRAPHQL_DATABASE = WORK / "graphql" / "gqlbench" / "bench.sqlite3"
DATABASES = {
    "admin": ADMIN_DATABASE,
    "gql-framework": GRAPHQL_DATABASE,
    "gql-strawberry": GRAPHQL_DATABASE,
}
#: contender → (module, directory on sys.path, settings module or None)
TARGETS: dict[str, tuple[str, Path, str | None]] = {
    "starlette": ("raw_starlette", APPS, None),
    "framework": ("benchgen.asgi", WORK / "benchgen", "benchgen.settings"),
    "stripped": ("benchsite.asgi", APPS / "framework_site", "benchsite.settings"),
    "fastapi": ("fastapi_app", APPS, None),
    "litestar": ("litestar_app", APPS, None),
    "django": ("djangobench.asgi", APPS, None),
    # The routing row (bench/many_routes.py): 300 routes, the first against the last.
    "routes-starlette": ("raw_starlette_routes", APPS, None),
    "routes-framework": (
        "benchroutes.asgi",
        WORK / "benchroutes",
        "benchroutes.settings",
    ),
    # The admin row (bench/admin_list.py): the generated project with the admin added.
    "admin": ("benchadmin.asgi", WORK / "benchadmin", "benchadmin.settings"),
    # The GraphQL section (bench/graphql_vs_rest.py).
    "gql-framework": ("gqlbench.asgi", WORK / "graphql" / "gqlbench", "gqlbench.settings"),
    "gql-strawberry": ("graphql_strawberry", APPS, None),
}
ITEM = json.dumps({"name": "w", "price": 9.99, "tags": ["a"]}).encode()
REQUESTS: dict[str, tuple[str, str, bytes]] = {
    "hello": ("GET", "/hello", b""),
    "json": ("GET", "/json", b""),
    "users": ("GET", "/users", b""),
    "user": ("GET", "/users/7", b""),
    "items": ("POST", "/items", ITEM),
    "cached": ("GET", "/users/cached", b""),
    "values": ("GET", "/users/values", b""),
}
ROUTE_REQUESTS: dict[str, tuple[str, str, bytes]] = {
    "first": ("GET", "/p0", b""),
    "last_static": ("GET", "/p298", b""),
    "last": ("GET", "/p299/7", b""),
}
ADMIN_LIST = "/admin/person/list"
#: The admin row's requests; those in SESSION carry the cookie of a logged-in staff user.
ADMIN_REQUESTS: dict[str, tuple[str, str, bytes]] = {
    "users": ("GET", "/users", b""),
    "users_session": ("GET", "/users", b""),
    "admin": ("GET", ADMIN_LIST, b""),
}
SESSION = {"users_session", "admin"}
GRAPHQL_QUERY = "{ books { id title author { name } } }"
GRAPHQL_REQUESTS: dict[str, tuple[str, str, bytes]] = {
    "rest": ("GET", "/books", b""),
    "graphql": ("POST", "/graphql", json.dumps({"query": GRAPHQL_QUERY}).encode()),
}
#: The requests of the targets that do not answer REQUESTS.
REQUESTS_OF: dict[str, dict[str, tuple[str, str, bytes]]] = {
    "routes-starlette": ROUTE_REQUESTS,
    "routes-framework": ROUTE_REQUESTS,
    "admin": ADMIN_REQUESTS,
    "gql-framework": GRAPHQL_REQUESTS,
    "gql-strawberry": {"graphql": GRAPHQL_REQUESTS["graphql"]},
}
FRAMEWORK_ONLY = {"cached", "values"}
#: Requests per run, for the requests that take milliseconds (3000 for the others).
COUNTS = {"users": 300, "user": 300, "users_session": 300, "rest": 300, "graphql": 150}
COUNTS["admin"] = 60


Headers = list[tuple[bytes, bytes]]


def scope_for(method: str, path: str, body: bytes, extra: Headers | None = None) -> dict[str, Any]:
    """Return the HTTP scope uvicorn would build for this request (with *extra* headers)."""
    headers = [(b"host", b"127.0.0.1"), (b"user-agent", b"bench"), (b"accept", b"*/*")]
    headers += extra or []
    if body:
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
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


async def one(
    app: Any,
    method: str,
    path: str,
    body: bytes,
    headers: Headers | None = None,
    answer: Headers | None = None,
) -> int:
    """Call *app* once with *headers*; return the status (its headers into *answer*)."""
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
            if answer is not None:
                answer.extend(message.get("headers", []))

    await app(scope_for(method, path, body, headers), receive, send)
    return status


async def session_cookie(app: Any) -> Headers:
    """Log the bench user in through the app's JSON ``POST /login``; return the cookie header."""
    from generated import LOGIN_PASSWORD, LOGIN_USER

    body = json.dumps({"username": LOGIN_USER, "password": LOGIN_PASSWORD}).encode()
    answer: Headers = []
    status = await one(app, "POST", "/login", body, None, answer)
    cookies = [value.split(b";", 1)[0] for name, value in answer if name == b"set-cookie"]
    if status != 200 or not cookies:
        raise SystemExit(f"POST /login answered {status} without a session cookie")
    return [(b"cookie", b"; ".join(cookies))]


class Lifespan:
    """Run the app's lifespan protocol: startup before measuring, shutdown after."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Lifespan:
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
        self.task = asyncio.ensure_future(self.app(scope, self.inbox.get, self.outbox.put))
        await self.inbox.put({"type": "lifespan.startup"})
        answer = asyncio.ensure_future(self.outbox.get())
        await asyncio.wait([self.task, answer], return_when=asyncio.FIRST_COMPLETED)
        if not answer.done():  # the app does not speak the lifespan protocol (Django)
            answer.cancel()
            self.task.exception()  # retrieved: it is the refusal, not a failure
            self.task = None
        elif answer.result()["type"] != "lifespan.startup.complete":
            raise SystemExit(f"lifespan startup failed: {answer.result()}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.task is None:
            return
        await self.inbox.put({"type": "lifespan.shutdown"})
        await self.outbox.get()
        await self.task


async def measure(
    app: Any, request: tuple[str, str, bytes], count: int, runs: int, headers: Headers
) -> float:
    """Return the best CPU µs per request over *runs* runs of *count* requests."""
    for _ in range(min(count, 200)):
        await one(app, *request, headers)
    best = float("inf")
    for _ in range(runs):
        # CPU time of this process (the driver's threads included), steadier than wall time.
        start = time.process_time()
        for _ in range(count):
            await one(app, *request, headers)
        best = min(best, (time.process_time() - start) / count)
    return best * 1e6


def load(name: str) -> Any:
    """Import contender *name*'s ASGI app as its server would."""
    module, root, settings_module = TARGETS[name]
    sys.path[:0] = [str(root), str(APPS)]
    from common import DB_URL

    if name in DATABASES:
        os.environ["DATABASE_URL"] = f"sqlite+aiosqlite:///{DATABASES[name]}"
        os.environ["BENCH_DATABASE_URL"] = os.environ["DATABASE_URL"]
    os.environ.setdefault("DATABASE_URL", DB_URL)
    os.environ.setdefault("DEBUG", "false")
    if name == "stripped":  # its settings leave the key to the environment, as run.py gives
        os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 50)
    if settings_module:
        os.environ["FRAMEWORK_SETTINGS_MODULE"] = settings_module
        os.chdir(root)
    return importlib.import_module(module).app


def requests_for(name: str) -> dict[str, tuple[str, str, bytes]]:
    """Return the requests contender *name* is timed on, by key."""
    if name in REQUESTS_OF:
        return REQUESTS_OF[name]
    own = name in ("framework", "stripped")
    return {key: value for key, value in REQUESTS.items() if key not in FRAMEWORK_ONLY or own}


async def run(name: str, scale: float, runs: int) -> dict[str, float]:
    """Return {endpoint: µs per request} for contender *name*."""
    app = load(name)
    requests = requests_for(name)
    results: dict[str, float] = {}
    async with Lifespan(app):
        cookie = await session_cookie(app) if SESSION & requests.keys() else []
        for key, (method, path, body) in requests.items():
            headers = cookie if key in SESSION else []
            status = await one(app, method, path, body, headers)
            if status >= 300:  # the admin sends a user it does not let in to its login page
                raise SystemExit(f"{name} answered {status} to {method} {path}")
            count = max(20, int(COUNTS.get(key, 3000) * scale))
            results[key] = await measure(app, requests[key], count, runs, headers)
    return results


async def profile(name: str, key: str, count: int) -> None:
    """Print the 30 most expensive functions (cumulative) of *count* calls to *key*."""
    import cProfile
    import pstats

    app = load(name)
    async with Lifespan(app):
        request = requests_for(name)[key]
        headers = await session_cookie(app) if key in SESSION else []
        for _ in range(200):
            await one(app, *request, headers)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(count):
            await one(app, *request, headers)
        profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"{stats.total_calls / count:.0f} Python calls per request")  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(TARGETS))
    parser.add_argument("--json", action="store_true", help="print {endpoint: µs} as JSON")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the requests")
    parser.add_argument("--runs", type=int, default=5)
    every = {key for requests in [REQUESTS, *REQUESTS_OF.values()] for key in requests}
    parser.add_argument("--profile", metavar="ENDPOINT", choices=sorted(every))
    args = parser.parse_args()
    if args.profile:
        count = 5000 * COUNTS.get(args.profile, 3000) // 3000  # 100 admin pages, 5000 hellos
        asyncio.run(profile(args.name, args.profile, count))
        return
    results = asyncio.run(run(args.name, args.scale, args.runs))
    if args.json:
        print(json.dumps(results))
        return
    for key, value in results.items():
        print(f"{key:8} {value:8.1f} µs per request")


if __name__ == "__main__":
    main()
