"""Measure ``@cache_page`` on the database list endpoint: uncached, every request a miss, hits.

    python bench/cache_page.py              # 5 s per cell, 3 interleaved rounds
    python bench/cache_page.py --quick      # 1 s, one round: proves the script works

The benchmark site (``bench/apps/framework_site``) serves ``GET /users`` (20 rows through the
ORM from SQLite) and the same handler under ``@cache_page(60)`` at ``GET /users/cached``.
Three cells per cache backend: ``/users`` (no cache), ``/users/cached?n=<new each time>``
(every request misses: the query runs and the response is stored), ``/users/cached`` (every
request after the first is served from the cache). Backends: ``locmem`` and ``redis`` (a
private Redis started by scripts/redisserver.py). One uvicorn worker pinned to core 0, wrk
pinned to core 1, as in bench/run.py. Prints a Markdown section; ``--write`` puts it in
bench/results.md (replacing an earlier one).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import Cell, Server, run_wrk
from tools import BENCH, PROJECT_PYTHON, ensure_commands

APPS = BENCH / "apps"
SITE = APPS / "framework_site"
MISS_SCRIPT = BENCH / "cache_miss.lua"
HEADING = "## `@cache_page` on `GET /users`"
CELLS = [
    ("no cache (`/users`)", "/users", None),
    ("`@cache_page`, every request a miss", "/users/cached?n=0", MISS_SCRIPT),
    ("`@cache_page`, hits", "/users/cached", None),
]


def site_server(caches: str) -> Server:
    """Return the benchmark site's server with *caches* (a CACHES value, as JSON)."""
    from common import DB_URL

    uvicorn = ["-m", "uvicorn", "--no-access-log", "--log-level", "warning", "--workers", "1"]
    uvicorn += ["--loop", "uvloop", "--http", "httptools", "benchsite.asgi:app"]
    env = {
        "PYTHONPATH": f"{SITE}:{APPS}",
        "DATABASE_URL": DB_URL,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CACHES": caches,
    }
    return Server("framework", [str(PROJECT_PYTHON), *uvicorn], SITE, env)


def verify(server: Server) -> None:
    """Fail unless the cached route answers what the plain one does, from the cache."""
    plain = httpx.get(f"{server.url}/users").json()
    first, second = (httpx.get(f"{server.url}/users/cached") for _ in range(2))
    if not (plain == first.json() == second.json() and len(plain) == 20):
        raise SystemExit("/users/cached does not answer what /users does")
    if "age" not in second.headers:
        raise SystemExit("/users/cached is not served from the cache")


def redis_server() -> Any:
    """Start a private Redis with the project's script; return it (``.url``, ``.close()``)."""
    spec = importlib.util.spec_from_file_location(
        "redisserver", BENCH.parent / "scripts" / "redisserver.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["redisserver"] = module
    spec.loader.exec_module(module)
    return module.start_server()


def measure(server: Server, seconds: float, rounds: int) -> list[Cell]:
    """Return the median cell of each of CELLS over interleaved *rounds*."""
    samples: list[list[Cell]] = [[] for _ in CELLS]
    for _ in range(rounds):
        for index, (_, path, script) in enumerate(CELLS):
            samples[index].append(run_wrk(server.url + path, seconds, script, server))
    return [
        Cell(
            rps=statistics.median(c.rps for c in cells),
            p50=statistics.median(c.p50 for c in cells),
            p99=statistics.median(c.p99 for c in cells),
            errors=sum(c.errors for c in cells),
            requests=sum(c.requests for c in cells),
            cpu_us=statistics.median(c.cpu_us for c in cells),
        )
        for cells in samples
    ]


def section(results: dict[str, list[Cell]], seconds: float, rounds: int) -> str:
    """Return the Markdown section for bench/results.md."""
    lines = [
        HEADING,
        "",
        f"`python bench/cache_page.py`: one worker, `wrk -t1 -c64`, {seconds:g} s per cell, "
        f"median of {rounds} interleaved rounds; ratio to the uncached `/users` of the same "
        "backend. A miss runs the query and stores the response; a hit runs no handler.",
        "",
        "| cache | case | req/s | ratio | p50 ms | p99 ms | server CPU µs/req | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for backend, cells in results.items():
        base = cells[0].rps
        for (label, _, _), cell in zip(CELLS, cells, strict=True):
            lines.append(
                f"| {backend} | {label} | {cell.rps:,.0f} | {cell.rps / base:.2f} | "
                f"{cell.p50:.2f} | {cell.p99:.2f} | {cell.cpu_us:,.0f} | {cell.errors} |"
            )
    return "\n".join(lines) + "\n"


def write(text: str) -> None:
    """Put *text* in bench/results.md, replacing an earlier section of the same heading."""
    path = BENCH / "results.md"
    current = path.read_text()
    if HEADING in current:
        before, _, after = current.partition(HEADING)
        rest = after.split("\n## ", 1)
        current = before + (("## " + rest[1]) if len(rest) > 1 else "")
        current = current.replace("\n\n\n", "\n\n")
    marker = "\n## Versions"
    if marker in current:
        current = current.replace(marker, "\n" + text + marker, 1)
    else:
        current = current.rstrip("\n") + "\n\n" + text
    path.write_text(current)


def main() -> None:
    """Run the measurement; print the section, and write it with ``--write``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1 s per cell, one round")
    parser.add_argument("--write", action="store_true", help="update bench/results.md")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.rounds = 1.0, 1
    ensure_commands()
    sys.path.insert(0, str(APPS))
    from common import seed

    seed()
    redis: Any = redis_server()
    backends = {
        "locmem": json.dumps({"default": {"BACKEND": "locmem"}}),
        "redis": json.dumps({"default": {"BACKEND": "redis", "LOCATION": redis.url}}),
    }
    results: dict[str, list[Cell]] = {}
    try:
        for name, caches in backends.items():
            server = site_server(caches)
            server.start()
            try:
                verify(server)
                results[name] = measure(server, args.seconds, args.rounds)
            finally:
                server.stop()
    finally:
        redis.close()
    text = section(results, args.seconds, args.rounds)
    print(text)
    if args.write:
        write(text)


if __name__ == "__main__":
    main()
