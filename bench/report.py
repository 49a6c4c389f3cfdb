"""Write bench/results.md: per-endpoint tables, ratios to raw Starlette, figures, commands."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import many_routes
import targets as targets_table

LABELS = {
    "starlette": "Starlette (raw)",
    "framework": "framework",
    "stripped": "framework (stripped)",
    "fastapi": "FastAPI",
    "litestar": "Litestar",
    "django": "Django",
}


def machine() -> str:
    """Describe the CPU the numbers come from."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    kernel = subprocess.run(["uname", "-r"], capture_output=True, text=True).stdout.strip()
    return f"{model}, {os.cpu_count()} cores, Linux {kernel}, {platform.machine()}"


def write_report(
    path: Path,
    *,
    servers: list[str],
    endpoints: list[tuple[str, str]],
    results: dict,
    inprocess: dict[str, dict[str, float]],
    routing: dict[str, dict[str, float]],
    targets: list[targets_table.Target],
    admin: list[str],
    capabilities: dict,
    argon2: str,
    patera: dict,
    rss: dict,
    figures: dict,
    versions: dict,
    commands: dict,
    settings: dict[str, Any],
) -> None:
    """Render every number of one run as Markdown at *path*."""
    lines = ["# Benchmark results", ""]
    lines += [
        f"Machine: {machine()}.  ",
        "Run: " + ", ".join(f"{k} {v}" for k, v in settings.items()) + ".",
        "",
    ]
    lines += [
        "Ratios are to raw Starlette (hand-written, same uvicorn, same machine) in the same "
        "run; higher is better. `framework` is a project exactly as `startproject` generates "
        "it (contrib.auth, the OpenAPI app, the default MIDDLEWARE) plus one app "
        "(bench/generated.py); `framework (stripped)` is the same app in a project without "
        "contrib.auth and the OpenAPI app. The machine is shared: the in-process table is the "
        "steadier one.",
        "",
    ]
    lines += targets_table.report_lines(targets)
    lines += inprocess_lines(servers, endpoints, inprocess)
    lines += many_routes.report_lines(routing)
    lines += capability_lines(results, capabilities, argon2)
    lines += admin
    lines += [
        "## Throughput ratio to raw Starlette",
        "",
        "| endpoint | " + " | ".join(LABELS[s] for s in servers) + " |",
        "|---" * (len(servers) + 1) + "|",
    ]
    for key, label in endpoints:
        base = results[key]["starlette"].rps
        cells = [f"{results[key][s].rps / base:.2f}" for s in servers]
        lines.append(f"| `{label}` | " + " | ".join(cells) + " |")
    lines.append("")
    lines += [
        "## Server CPU per request, as a ratio to raw Starlette",
        "",
        "Raw Starlette's CPU time per request divided by the contender's (higher is better):",
        "the same comparison as throughput, steadier on a shared machine.",
        "",
        "| endpoint | " + " | ".join(LABELS[s] for s in servers) + " |",
        "|---" * (len(servers) + 1) + "|",
    ]
    for key, label in endpoints:
        base_cpu = results[key]["starlette"].cpu_us
        cells = [f"{base_cpu / results[key][s].cpu_us:.2f}" for s in servers]
        lines.append(f"| `{label}` | " + " | ".join(cells) + " |")
    lines.append("")
    for key, label in endpoints:
        base = results[key]["starlette"].rps
        lines += [
            f"## `{label}`",
            "",
            "| contender | req/s | ratio | CPU µs/request | p50 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for server in servers:
            cell = results[key][server]
            lines.append(
                f"| {LABELS[server]} | {cell.rps:,.0f} | {cell.rps / base:.2f} | "
                f"{cell.cpu_us:.1f} | {cell.p50:.2f} | {cell.p99:.2f} | {cell.errors} |"
            )
        lines.append("")
    base = patera["starlette"][0]
    lines += [
        "## Patera's measure: `ab -k -c 200 -n 2000` on `/users`",
        "",
        "| contender | req/s | ratio | failed |",
        "|---|---:|---:|---:|",
    ]
    for server in servers:
        rps, failed = patera[server]
        lines.append(f"| {LABELS[server]} | {rps:,.0f} | {rps / base:.2f} | {failed} |")
    lines += ["", "## Server memory after the load (RSS)", "", "| contender | MB |", "|---|---:|"]
    lines += [f"| {LABELS[s]} | {rss[s]:.1f} |" for s in servers]
    lines.append("")
    for figure, values in figures.items():
        lines += [f"## {figure}", "", "| command | median |", "|---|---:|"]
        lines += [f"| {name} | {ms:.0f} |" for name, ms in values.items()]
        lines.append("")
    lines += ["## Versions", "", "| package | version |", "|---|---|"]
    lines += [f"| {name} | {version} |" for name, version in versions.items()]
    lines += ["", "## Commands", ""]
    lines += [f"- {name}: `{command}`" for name, command in commands.items()]
    lines += [
        "- CLI figures: `hyperfine -N --warmup 3 --runs 20` (median)",
        "- everything: `make bench` (`python bench/run.py`)",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = kept_sections(path)
    path.write_text("\n".join(lines) + ("\n" + kept if kept else ""))


#: The sections other scripts write into results.md (cache_page.py, broadcast.py, tasks.py,
#: scaling.py, graphql_vs_rest.py): a run of this report keeps them until those scripts
#: replace them.
KEPT_HEADINGS = (
    "## `@cache_page` on `GET /users`",
    "## Broadcast fan-out",
    "## Tasks: jobs enqueued from a request, and latency to a worker",
    "## Scaling: `serve --workers 2` against one worker",
    "## GraphQL list vs the same list over REST",
)


def kept_sections(path: Path) -> str:
    """Return the sections of *path* that other scripts wrote, in their order."""
    if not path.exists():
        return ""
    sections = ("\n" + path.read_text()).split("\n## ")[1:]
    kept = [
        "## " + text.rstrip("\n") for text in sections if ("## " + text).startswith(KEPT_HEADINGS)
    ]
    return "\n\n".join(kept) + "\n" if kept else ""


def inprocess_lines(
    servers: list[str], endpoints: list[tuple[str, str]], inprocess: dict[str, dict[str, float]]
) -> list[str]:
    """Return the in-process table: µs per ASGI call, and the ratio to raw Starlette."""
    names = [s for s in servers if s in inprocess]
    lines = [
        "## In process: µs per ASGI call (no server), ratio to raw Starlette",
        "",
        "Each app called directly with a prepared scope after its lifespan startup, CPU time "
        "per request, best of the rounds (`bench/asgi_cost.py`). Ratio = raw Starlette's µs "
        "divided by the contender's (higher is better); the `/users/values` and "
        "`/users/cached` rows take raw Starlette's `/users` as their base.",
        "",
        "| endpoint | " + " | ".join(LABELS[s] for s in names) + " |",
        "|---" + "|---:" * len(names) + "|",
    ]
    for key, label in [
        *endpoints,
        ("values", "GET /users/values"),
        ("cached", "GET /users/cached"),
    ]:
        # The framework's own ways to list /users are compared with raw Starlette's /users.
        base = inprocess.get("starlette", {}).get("users" if key in ("values", "cached") else key)
        cells = []
        for name in names:
            value = inprocess[name].get(key)
            if value is None:
                cells.append("-")
            elif base is None:
                cells.append(f"{value:.1f} µs")
            else:
                cells.append(f"{value:.1f} µs ({base / value:.2f})")
        if any(cell != "-" for cell in cells):
            lines.append(f"| `{label}` | " + " | ".join(cells) + " |")
    return [*lines, ""]


def capability_lines(results: dict, capabilities: dict, argon2: str) -> list[str]:
    """Return the generated project's own rows (cache hit, login) and where the others are."""
    lines = [
        "## Capabilities of the generated project",
        "",
        "On the `framework` server of this run. The same 20 rows listed with `values()` (no ORM "
        "objects, no session) are compared with raw Starlette's ORM list and the framework's. "
        "A `@cache_page` hit is compared with the same "
        "query uncached (`GET /users`) and with raw Starlette's `GET /users`; the login "
        f"posts JSON credentials to `/login` and pays one password hash ({argon2}), "
        f"{LOGIN_NOTE}. Task enqueue from a request, broadcast fan-out to 100 WebSocket "
        "subscribers and the `@cache_page` backends have their own sections below.",
        "",
        "| row | req/s | ratio | CPU µs/request | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    if not capabilities:
        return []
    cached, login = capabilities["cached"], capabilities["login"]
    users = results.get("users", {})
    if users:
        own, raw = users["framework"].rps, users["starlette"].rps
        values = capabilities["values"]
        lines.append(
            _row("`GET /users/values` (`values()`), to raw Starlette `/users`", values, raw)
        )
        lines.append(_row("`GET /users/values` (`values()`), to ORM `/users`", values, own))
        lines.append(_row("`GET /users/cached` hit, to uncached `/users`", cached, own))
        lines.append(_row("`GET /users/cached` hit, to raw Starlette `/users`", cached, raw))
    lines.append(_row("`POST /login` (JSON)", login, None))
    return [*lines, ""]


LOGIN_NOTE = "2 connections (under LOGIN_THROTTLE's 5 attempts in flight), wrk timeout 30 s"


def _row(label: str, cell: Any, base: float | None) -> str:
    ratio = f"{cell.rps / base:.2f}" if base else "-"
    return (
        f"| {label} | {cell.rps:,.0f} | {ratio} | {cell.cpu_us:.1f} | {cell.p50:.2f} | "
        f"{cell.p99:.2f} | {cell.errors} |"
    )


def write_section(path: Path, heading: str, text: str) -> None:
    """Put the section *text* in the report at *path*, replacing one under the same *heading*.

    A new section goes before ``## Versions``; scripts that measure one feature (not the whole
    run) keep their numbers in the report this way.
    """
    current = path.read_text(encoding="utf-8")
    if heading in current:
        before, after = current.split(heading, 1)
        rest = after.split("\n## ", 1)
        current = before.rstrip("\n") + "\n\n" + ("## " + rest[1] if len(rest) > 1 else "")
    marker = "\n## Versions"
    if marker in current:
        before, after = current.split(marker, 1)
        current = before.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n" + marker + after
    else:
        current = current.rstrip("\n") + "\n\n" + text.rstrip("\n") + "\n"
    path.write_text(current, encoding="utf-8")
