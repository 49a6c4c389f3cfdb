"""Benchmark this framework beside raw Starlette, FastAPI, Litestar and Django, in one run.

The ``framework`` contender is a project exactly as ``startproject`` generates it plus one
app (bench/generated.py); ``stripped`` is the same app in a project without contrib.auth and
the OpenAPI app. Every server runs under uvicorn (one worker, httptools, uvloop) pinned to
core 0; wrk runs pinned to core 1 with 64 connections. Rounds are interleaved (A B C … A B C)
and each cell is the median of the rounds. Results are ratios to raw Starlette measured in
the same run. Beside the wire, each contender's ASGI app is timed in-process
(bench/asgi_cost.py). The targets table (bench/targets.py) is computed from this run. The
generated project with the admin added serves the admin row (bench/admin_list.py). The full
run then adds the sections of bench/cache_page.py, bench/broadcast.py, bench/tasks.py,
bench/scaling.py and bench/graphql_vs_rest.py.

    python bench/run.py                 # full run, writes bench/results.md
    python bench/run.py --quick         # 1 s per cell, one round: proves the harness works
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

import admin_list
import generated
import many_routes
import targets
from cli_figures import cli_figures
from inprocess import measure_inprocess
from load import Cell, Server, ab_command, run_ab, run_wrk, wrk_command
from report import write_report
from tools import BENCH, PROJECT_PYTHON, WORK, ensure_commands, ensure_peers, package_version

APPS = BENCH / "apps"
POST_SCRIPT = BENCH / "post_item.lua"
LOGIN_SCRIPT = BENCH / "login.lua"
#: Fewer connections than LOGIN_THROTTLE's 5 attempts in flight, so no login is refused,
#: and a timeout longer than a hash takes on a busy machine.
LOGIN_CONNECTIONS = 2
LOGIN_TIMEOUT = 30.0
#: wrk's timeout in a quick run (a smoke test of the harness on possibly busy machines).
QUICK_TIMEOUT = 10.0
#: The sections a full run adds, each written by its own script into results.md.
SECTIONS = [
    ["bench/cache_page.py", "--write"],
    ["bench/broadcast.py", "--write"],
    ["bench/tasks.py"],
    ["bench/scaling.py", "--write"],
    ["bench/graphql_vs_rest.py", "--write"],
]


@dataclass(frozen=True)
class Endpoint:
    """One benchmarked route: its key, the path wrk requests, and the wrk script if any."""

    key: str
    path: str
    script: Path | None = None


ENDPOINTS = [
    Endpoint("hello", "/hello"),
    Endpoint("json", "/json"),
    Endpoint("users", "/users"),
    Endpoint("user", "/users/7"),
    Endpoint("items", "/items", POST_SCRIPT),
]


#: How every server runs: one uvicorn worker, uvloop, httptools, no access log.
UVICORN = [
    "-m",
    "uvicorn",
    "--no-access-log",
    "--log-level",
    "warning",
    "--workers",
    "1",
    "--loop",
    "uvloop",
    "--http",
    "httptools",
]


def contenders(peers_python: Path) -> list[Server]:
    """Return the servers to measure; raw Starlette first (the baseline)."""
    from common import DB_URL

    uvicorn = UVICORN
    env = {"PYTHONPATH": str(APPS)}
    servers = [
        Server("starlette", [str(PROJECT_PYTHON), *uvicorn, "raw_starlette:app"], APPS, env),
    ]
    servers.append(
        Server(
            "framework",
            [str(PROJECT_PYTHON), *uvicorn, f"{generated.NAME}.asgi:app"],
            generated.SITE,
            generated.server_env(DB_URL),
        )
    )
    site = APPS / "framework_site"
    servers += [
        Server(
            "stripped",
            [str(PROJECT_PYTHON), *uvicorn, "benchsite.asgi:app"],
            site,
            {
                **env,
                "PYTHONPATH": f"{site}:{APPS}",
                "DATABASE_URL": DB_URL,
                "DEBUG": "false",
                "SECRET_KEY": "bench-" + "k" * 50,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
            },
        ),
        Server("fastapi", [str(peers_python), *uvicorn, "fastapi_app:app"], APPS, env),
        Server("litestar", [str(peers_python), *uvicorn, "litestar_app:app"], APPS, env),
        Server("django", [str(peers_python), *uvicorn, "djangobench.asgi:app"], APPS, env),
    ]
    return servers


def verify(server: Server) -> None:
    """Fail before measuring if a contender answers wrongly (a fast wrong answer is no answer)."""
    base = server.url
    checks = [
        (httpx.get(f"{base}/hello").text == "Hello, World!", "GET /hello"),
        (httpx.get(f"{base}/json").json() == {"message": "Hello, World!"}, "GET /json"),
        (len(httpx.get(f"{base}/users").json()) == 20, "GET /users has 20 rows"),
        (httpx.get(f"{base}/users/7").json()["email"] == "user7@example.com", "GET /users/7"),
        (httpx.get(f"{base}/users/99999").status_code == 404, "GET /users/99999 is 404"),
        (
            httpx.post(f"{base}/items", json={"name": "w", "price": 1.5}).status_code == 201,
            "POST /items is 201",
        ),
        (
            httpx.post(f"{base}/items", json={"name": "w"}).status_code in (400, 422),
            "POST /items without price is 4xx",
        ),
    ]
    failed = [label for ok, label in checks if not ok]
    if failed:
        raise SystemExit(f"{server.name} answers wrongly: {', '.join(failed)}")


def measure(
    servers: list[Server],
    endpoints: list[Endpoint],
    seconds: float,
    rounds: int,
    warmup: float,
    timeout: float | None = None,
) -> dict:
    """Run interleaved rounds and return {endpoint: {server: median Cell}}.

    *timeout* replaces wrk's 2 s: the quick run proves every answer is right, and on a
    loaded machine a cold one-second cell can hold a request past 2 s without any failure.
    """
    samples: dict[str, dict[str, list[Cell]]] = {
        e.key: {s.name: [] for s in servers} for e in endpoints
    }
    for endpoint in endpoints:
        for server in servers:
            if warmup:
                run_wrk(server.url + endpoint.path, warmup, endpoint.script)
    for number in range(1, rounds + 1):
        for endpoint in endpoints:
            for server in servers:
                cell = run_wrk(
                    server.url + endpoint.path, seconds, endpoint.script, server, timeout=timeout
                )
                samples[endpoint.key][server.name].append(cell)
                print(
                    f"round {number} {endpoint.key:6} {server.name:10} {cell.rps:10.0f} req/s "
                    f"{cell.cpu_us:7.1f} µs CPU/request",
                    flush=True,
                )
    return {
        key: {name: median_cell(cells) for name, cells in by_server.items()}
        for key, by_server in samples.items()
    }


def median_cell(cells: list[Cell]) -> Cell:
    """Return the cell of median throughput (its latencies come with it), median CPU."""
    ordered = sorted(cells, key=lambda cell: cell.rps)
    middle = ordered[len(ordered) // 2]
    return Cell(
        statistics.median(c.rps for c in cells),
        middle.p50,
        middle.p99,
        sum(c.errors for c in cells),
        sum(c.requests for c in cells),
        statistics.median(c.cpu_us for c in cells),
    )


def measure_capabilities(framework: Server, seconds: float, rounds: int) -> dict[str, Cell]:
    """Return the generated project's own rows: rows without objects, a cache hit, a login."""
    cells: dict[str, list[Cell]] = {"values": [], "cached": [], "login": []}
    for _ in range(rounds):
        cells["values"].append(run_wrk(framework.url + "/users/values", seconds, None, framework))
        cells["cached"].append(run_wrk(framework.url + "/users/cached", seconds, None, framework))
        cells["login"].append(
            run_wrk(
                framework.url + "/login",
                max(seconds, 3.0),
                LOGIN_SCRIPT,
                framework,
                LOGIN_CONNECTIONS,
                LOGIN_TIMEOUT,
            )
        )
    return {key: median_cell(values) for key, values in cells.items()}


def verify_capabilities(server: Server) -> None:
    """Fail unless rows without objects answer as /users, the cache serves, the login works."""
    if httpx.get(f"{server.url}/users/values").content != httpx.get(f"{server.url}/users").content:
        raise SystemExit("/users/values does not answer what /users answers")
    httpx.get(f"{server.url}/users/cached")
    if "age" not in httpx.get(f"{server.url}/users/cached").headers:
        raise SystemExit("/users/cached is not served from the cache")
    answer = httpx.post(
        f"{server.url}/login",
        json={"username": generated.LOGIN_USER, "password": generated.LOGIN_PASSWORD},
    )
    if answer.status_code != 200:
        raise SystemExit(f"POST /login answered {answer.status_code}: {answer.text[:300]}")


def measure_admin(admin: Server, seconds: float, rounds: int) -> dict[str, Cell]:
    """Return the admin row's cells (bench/admin_list.py), each the median of *rounds*."""
    cookie = admin_list.login(admin)
    admin_list.verify(admin, cookie)
    found: dict[str, list[Cell]] = {key: [] for key in admin_list.CELLS}
    for _ in range(rounds):
        for key, cell in admin_list.measure_wire(admin, cookie, seconds).items():
            found[key].append(cell)
    return {key: median_cell(cells) for key, cells in found.items()}


def run_sections(quick: bool) -> None:
    """Add the sections of the separate scripts to results.md (the full run only)."""
    if quick:
        return
    for script in SECTIONS:
        print(f"running {' '.join(script)}", flush=True)
        subprocess.run([str(PROJECT_PYTHON), *script], cwd=BENCH.parent, check=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 s per cell, one round")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--output", type=Path, default=BENCH / "results.md")
    parser.add_argument(
        "--only",
        nargs="*",
        default=[],
        metavar="NAME",
        help="contenders to run besides raw Starlette (default: all)",
    )
    parser.add_argument(
        "--endpoints",
        nargs="*",
        default=[],
        metavar="KEY",
        help="endpoints to measure (hello json users user items; default: all)",
    )
    parser.add_argument("--no-figures", action="store_true", help="skip the CLI figures")
    parser.add_argument(
        "--no-sections",
        action="store_true",
        help="skip cache, broadcast, tasks, scaling and GraphQL",
    )
    parser.add_argument("--no-admin", action="store_true", help="skip the admin row")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.rounds, args.warmup = 1.0, 1, 0.0
        if args.output == BENCH / "results.md":
            args.output = WORK / "results-quick.md"
    return args


def main() -> None:
    args = parse_args()
    ensure_commands()
    peers_python = ensure_peers()
    sys.path.insert(0, str(APPS))
    from common import DB_URL, seed

    seed()
    generated.generate(DB_URL)
    many_routes.generate()
    admin = None if args.no_admin else admin_list.server(UVICORN)
    if admin is not None:
        admin_list.generate()
    servers = [
        s
        for s in contenders(peers_python)
        if not args.only or s.name == "starlette" or s.name in args.only
    ]
    names = [s.name for s in servers]
    endpoints = [e for e in ENDPOINTS if not args.endpoints or e.key in args.endpoints]
    started = time.monotonic()
    load_average = os.getloadavg()
    inprocess = measure_inprocess(names, peers_python, args.rounds, args.quick)
    routing = many_routes.measure(args.rounds, args.quick)
    admin_in_process = admin_list.measure_in_process(args.rounds, args.quick) if admin else {}
    framework = next((s for s in servers if s.name == "framework"), None)
    try:
        for server in servers:
            server.start()
            verify(server)
        if framework is not None:
            verify_capabilities(framework)
        timeout = QUICK_TIMEOUT if args.quick else None
        results = measure(servers, endpoints, args.seconds, args.rounds, args.warmup, timeout)
        patera = {s.name: run_ab(s.url + "/users") for s in servers}
        # Read before the framework's own rows: every contender's RSS after the same load
        # (a login's argon2 hash, a load raw Starlette never sees, would count otherwise).
        rss = {s.name: s.rss_mb() for s in servers}
        capabilities = (
            measure_capabilities(framework, args.seconds, args.rounds) if framework else {}
        )
        admin_wire: dict[str, Cell] = {}
        if admin is not None:
            admin.start()
            admin_wire = measure_admin(admin, args.seconds, args.rounds)
            rss["admin"] = admin.rss_mb()
    finally:
        for server in [*servers, *([admin] if admin else [])]:
            server.stop()
    figures = {} if args.no_figures else cli_figures(peers_python, quick=args.quick)
    versions = {
        "framework": package_version(PROJECT_PYTHON, "framework"),
        "starlette": package_version(PROJECT_PYTHON, "starlette"),
        "uvicorn": package_version(PROJECT_PYTHON, "uvicorn"),
        "sqlalchemy": package_version(PROJECT_PYTHON, "sqlalchemy"),
        "pydantic": package_version(PROJECT_PYTHON, "pydantic"),
        "orjson": package_version(PROJECT_PYTHON, "orjson"),
        "fastapi": package_version(peers_python, "fastapi"),
        "litestar": package_version(peers_python, "litestar"),
        "django": package_version(peers_python, "django"),
        "python": platform.python_version(),
    }
    commands = {
        "server": " ".join(servers[0].command()),
        "wrk": " ".join(wrk_command("URL", args.seconds, None)),
        "wrk (POST /items)": " ".join(wrk_command("URL", args.seconds, POST_SCRIPT)),
        "wrk (POST /login)": " ".join(
            wrk_command("URL", args.seconds, LOGIN_SCRIPT, LOGIN_CONNECTIONS, LOGIN_TIMEOUT)
        ),
        "ab": " ".join(ab_command("URL/users")),
        "in-process": "python bench/asgi_cost.py NAME --json",
        "wrk (admin row)": shlex.join(
            wrk_command(
                "URL",
                args.seconds,
                None,
                admin_list.CONNECTIONS,
                admin_list.TIMEOUT,
                {"Cookie": "session=…"},
            )
        ),
    }
    write_report(
        args.output,
        servers=names,
        endpoints=[(e.key, ("POST " if e.script else "GET ") + e.path) for e in endpoints],
        results=results,
        inprocess=inprocess,
        routing=routing,
        targets=targets.compute(results, inprocess, routing, rss),
        admin=admin_list.report_lines(admin_wire, admin_in_process, rss),
        capabilities=capabilities,
        argon2=generated.argon2_cost() if capabilities else "",
        patera=patera,
        rss=rss,
        figures=figures,
        versions=versions,
        commands=commands,
        settings={
            "seconds per cell": args.seconds,
            "rounds": args.rounds,
            "warm-up seconds": args.warmup,
            "date": date.today().isoformat(),
            "load average at the start": " ".join(f"{n:.2f}" for n in load_average),
            "wall time (s)": round(time.monotonic() - started),
        },
    )
    print(f"wrote {args.output}")
    if not args.no_sections and args.output == BENCH / "results.md":
        run_sections(args.quick)


if __name__ == "__main__":
    main()
