"""A GraphQL list query beside the same list over REST, and beside Strawberry's own ASGI app.

The list is 20 books, each with its author's name, from SQLite: two queries either way (the
books, then their authors in one ``IN``; over GraphQL through ``info.context.load``). The
framework's project is made by ``startproject`` in ``bench/.work/graphql`` with the app of
``bench/apps/graphql_library``; the peer is ``strawberry.asgi.GraphQL`` on raw Starlette with
plain SQLAlchemy and Strawberry's DataLoader (``bench/apps/graphql_strawberry.py``), on the
same database. uvicorn (one worker, uvloop, httptools) runs pinned to core 0, wrk to core 1,
as in bench/run.py; rounds are interleaved and each cell is the median of the rounds.

A request takes milliseconds, so wrk runs with fewer connections than run.py's 64 and a
long timeout (``CONNECTIONS``, ``TIMEOUT``): on a loaded machine 64 connections queue longer
than wrk's own 2 s timeout and the cells fill with timeouts. Errors (timeouts, non-2xx) are
still counted and reported. Each cell is also timed in process (bench/asgi_cost.py
``gql-framework``, ``gql-strawberry``), the figure that no queue can disturb.

    python bench/graphql_vs_rest.py --write     # measure and put the section in bench/results.md
    python bench/graphql_vs_rest.py --quick     # one second per cell: proves the script works
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from asgi_cost import GRAPHQL_DATABASE, GRAPHQL_QUERY
from inprocess import measure_inprocess
from load import Cell, Server, run_wrk
from report import write_section
from run import median_cell
from tools import BENCH, PROJECT_PYTHON, ensure_commands

APPS = BENCH / "apps"
DATABASE = GRAPHQL_DATABASE
SITE = DATABASE.parent
PROJECT = SITE.parent
QUERY = GRAPHQL_QUERY
CONNECTIONS = 16
TIMEOUT = 30.0
HEADING = "## GraphQL list vs the same list over REST"
UVICORN = ["-m", "uvicorn", "--no-access-log", "--log-level", "warning", "--workers", "1"]
UVICORN += ["--loop", "uvloop", "--http", "httptools"]
ENV = {
    "DATABASE_URL": f"sqlite+aiosqlite:///{DATABASE}",
    "BENCH_DATABASE_URL": f"sqlite+aiosqlite:///{DATABASE}",
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + "k" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
}


def manage(*args: str) -> None:
    """Run ``manage.py`` of the bench project; stop with its output if it fails."""
    env = {**os.environ, **ENV}
    result = subprocess.run(
        [str(PROJECT_PYTHON), "manage.py", *args], cwd=SITE, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def prepare() -> None:
    """Make the project with startproject and startapp, add the library, migrate and seed."""
    if PROJECT.exists():
        shutil.rmtree(PROJECT)
    PROJECT.mkdir(parents=True)
    framework = PROJECT_PYTHON.parent / "framework"
    subprocess.run([str(framework), "startproject", "gqlbench"], cwd=PROJECT, check=True)
    manage("startapp", "library")
    for name in ("models.py", "graphql.py", "controllers.py", "commands.py"):
        shutil.copy(APPS / "graphql_library" / name, SITE / "library" / name)
    settings = SITE / "gqlbench" / "settings.py"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace('    "library",', '    "framework.graphql",\n    "library",'))
    manage("db-migrate", "-m", "books")
    manage("db-upgrade")
    manage("library-seed")
    (PROJECT / "query.lua").write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(json.dumps({'query': QUERY}))}\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )


def servers() -> dict[str, Server]:
    python = str(PROJECT_PYTHON)
    site_env = {**ENV, "PYTHONPATH": str(SITE)}
    return {
        "framework": Server(
            "gql-framework", [python, *UVICORN, "gqlbench.asgi:app"], PROJECT, site_env
        ),
        "strawberry": Server(  # run from the work folder: its log stays out of the repository
            "gql-strawberry",
            [python, *UVICORN, "graphql_strawberry:app"],
            PROJECT,
            {**ENV, "PYTHONPATH": str(APPS)},
        ),
    }


#: The cells: (label, server, path, POST the GraphQL query?, bench/asgi_cost.py request key).
CELLS = [
    ("REST `GET /books` (framework)", "framework", "/books", False, "rest"),
    ("GraphQL `POST /graphql` (framework)", "framework", "/graphql", True, "graphql"),
    (
        "GraphQL `POST /graphql` (Strawberry's ASGI app on Starlette)",
        "strawberry",
        "/graphql",
        True,
        "graphql",
    ),
]


def verify(running: dict[str, Server]) -> None:
    """Fail before measuring unless every cell answers the same 20 books."""
    rest = httpx.get(running["framework"].url + "/books", timeout=10).json()
    assert len(rest) == 20, rest
    for name in ("framework", "strawberry"):
        answer = httpx.post(running[name].url + "/graphql", json={"query": QUERY}, timeout=10)
        assert answer.json() == {"data": {"books": rest}}, (name, answer.text)


def measure(seconds: float, rounds: int) -> dict[str, Cell]:
    running = servers()
    for server in running.values():
        server.start()
    try:
        verify(running)
        cells: dict[str, list[Cell]] = {label: [] for label, *_ in CELLS}
        for _ in range(rounds):
            for label, name, path, post, _ in CELLS:
                script = PROJECT / "query.lua" if post else None
                server = running[name]
                cell = run_wrk(server.url + path, seconds, script, server, CONNECTIONS, TIMEOUT)
                cells[label].append(cell)
    finally:
        for server in running.values():
            server.stop()
    return {label: median_cell(found) for label, found in cells.items()}


def measure_in_process(rounds: int, quick: bool) -> dict[str, float]:
    """Return {label: µs per ASGI call} of every cell, best of *rounds* (bench/asgi_cost.py)."""
    timed = measure_inprocess(["gql-framework", "gql-strawberry"], PROJECT_PYTHON, rounds, quick)
    return {label: timed[f"gql-{name}"][key] for label, name, _, _, key in CELLS}


def section(
    results: dict[str, Cell], in_process: dict[str, float], seconds: float, rounds: int, load: float
) -> str:
    base, base_us = results[CELLS[0][0]], in_process[CELLS[0][0]]
    lines = [
        HEADING,
        "",
        f"`bench/graphql_vs_rest.py`, {date.today().isoformat()}, {seconds:g} s per cell, {rounds} "
        f"round(s), machine load average {load:.1f} when it started. 20 books with their "
        "authors' names from SQLite, two queries per request on every row; the ratio is to "
        "the framework's REST list (higher is better). wrk with "
        f"{CONNECTIONS} connections and a {TIMEOUT:g} s timeout (a request takes "
        "milliseconds); in process: CPU µs per ASGI call, best of the rounds, ratio = the REST "
        "list's µs ÷ the row's. CPU per request and the in-process figure are the steadier "
        "ones on a busy machine.",
        "",
        "| API | req/s | ratio | CPU µs/request | p50 ms | p99 ms | errors | in process µs "
        "| ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, cell in results.items():
        ratio = f"{cell.rps / base.rps:.2f}" if base.rps else "n/a"
        micros = in_process[label]
        lines.append(
            f"| {label} | {cell.rps:,.0f} | {ratio} | {cell.cpu_us:.1f} | "
            f"{cell.p50:.2f} | {cell.p99:.2f} | {cell.errors} | {micros:.1f} | "
            f"{base_us / micros:.2f} |"
        )
    failed = {label: cell.errors for label, cell in results.items() if cell.errors}
    if failed:
        named = "; ".join(f"{label}: {count}" for label, count in failed.items())
        lines += [
            "",
            f"Requests that failed or timed out (wrk's errors and non-2xx answers): {named}. "
            "Those rows' req/s and latencies count only the answered requests.",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1 s per cell, one round")
    parser.add_argument("--write", action="store_true", help="update bench/results.md")
    parser.add_argument("--output", type=Path, help="write the section into this file instead")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.rounds = 1.0, 1
    ensure_commands()
    prepare()
    load = os.getloadavg()[0]
    in_process = measure_in_process(args.rounds, args.quick)
    wire = measure(args.seconds, args.rounds)
    text = section(wire, in_process, args.seconds, args.rounds, load)
    print(text)
    if args.output is not None:
        args.output.write_text(text, encoding="utf-8")
    elif args.write:
        write_section(BENCH / "results.md", HEADING, text)


if __name__ == "__main__":
    main()
