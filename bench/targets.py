"""The targets table at the top of results.md: each target, this run's figure, met or not.

Every figure is computed from the run that writes the report: the wire ratio is the
framework's req/s divided by raw Starlette's (the throughput table), the in-process ratio raw
Starlette's µs divided by the framework's, the routing ratio the first route's µs divided by
the last route's (1.00: the last route costs what the first does). The server's CPU per
request ratio, the steadier wire figure on a shared machine, is shown beside the wire ratios.
Why a target is missed is prose in bench/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: (endpoint key, label, wire target): the throughput targets of the generated project.
WIRE = [
    ("hello", "`GET /hello` over the wire", 0.95),
    ("json", "`GET /json` over the wire", 1.05),
    ("users", "`GET /users` over the wire", 1.05),
    ("items", "`POST /items` over the wire", 1.05),
]
HELLO_IN_PROCESS = 0.80
RSS_ALLOWANCE_MB = 10.0
ROUTES_TARGET = 0.95


@dataclass(frozen=True)
class Target:
    """One row: what is aimed at, what this run measured, and whether it is met."""

    label: str
    goal: str
    measured: str
    met: bool | None  # None: not measured in this run (a contender or endpoint left out)
    context: str = ""


def wire_targets(results: dict[str, dict[str, Any]]) -> list[Target]:
    """Return the throughput targets, and ``GET /users`` against Litestar."""
    rows = []
    for key, label, goal in WIRE:
        cells = results.get(key, {})
        if "framework" not in cells:
            rows.append(Target(label, f"≥ {goal:.2f}", "not measured", None))
            continue
        ratio = cells["framework"].rps / cells["starlette"].rps
        cpu = cells["starlette"].cpu_us / cells["framework"].cpu_us
        context = f"CPU per request {cpu:.2f}"
        rows.append(Target(label, f"≥ {goal:.2f}", f"{ratio:.2f}", ratio >= goal, context))
    users = results.get("users", {})
    label, aim = "`GET /users` ahead of Litestar", "framework's ratio > Litestar's"
    if "framework" in users and "litestar" in users:
        own, peer = (users[name].rps / users["starlette"].rps for name in ("framework", "litestar"))
        rows.append(Target(label, aim, f"{own:.2f} against {peer:.2f}", own > peer))
    else:
        rows.append(Target(label, aim, "not measured", None))
    return rows


def in_process_target(inprocess: dict[str, dict[str, float]]) -> Target:
    """Return ``GET /hello`` in process: raw Starlette's µs over the framework's."""
    label, goal = "`GET /hello` in process", f"≥ {HELLO_IN_PROCESS:.2f}"
    raw, own = (inprocess.get(name, {}).get("hello") for name in ("starlette", "framework"))
    if not raw or not own:
        return Target(label, goal, "not measured", None)
    ratio = raw / own
    return Target(label, goal, f"{ratio:.2f}", ratio >= HELLO_IN_PROCESS, f"{own:.1f} µs")


def memory_target(rss: dict[str, float]) -> Target:
    """Return the RSS after the load: the framework's against raw Starlette's plus 10 MB."""
    label, goal = "RSS after the load", f"≤ raw + {RSS_ALLOWANCE_MB:g} MB"
    if "framework" not in rss:
        return Target(label, goal, "not measured", None)
    extra = rss["framework"] - rss["starlette"]
    measured = f"raw {'+' if extra >= 0 else '-'} {abs(extra):.1f} MB"
    return Target(label, goal, measured, extra <= RSS_ALLOWANCE_MB, f"{rss['framework']:.1f} MB")


def routing_targets(routing: dict[str, dict[str, float]]) -> list[Target]:
    """Return the 300-route project's last routes against its first (first µs ÷ last µs)."""
    own = routing.get("routes-framework", {})
    rows = []
    for key, label in (("last_static", "last static route"), ("last", "last route")):
        text = f"300 routes, {label} ÷ first route"
        if not own.get("first") or not own.get(key):
            rows.append(Target(text, f"≥ {ROUTES_TARGET:.2f}", "not measured", None))
            continue
        ratio = own["first"] / own[key]
        context = f"{own['first']:.1f} µs, {own[key]:.1f} µs"
        met = ratio >= ROUTES_TARGET
        rows.append(Target(text, f"≥ {ROUTES_TARGET:.2f}", f"{ratio:.2f}", met, context))
    return rows


def compute(
    results: dict[str, dict[str, Any]],
    inprocess: dict[str, dict[str, float]],
    routing: dict[str, dict[str, float]],
    rss: dict[str, float],
) -> list[Target]:
    """Return every target of the generated project, in the order of the table."""
    hello, json, users, items, litestar = wire_targets(results)
    return [
        hello,
        in_process_target(inprocess),
        json,
        users,
        litestar,
        items,
        memory_target(rss),
        *routing_targets(routing),
    ]


def report_lines(rows: list[Target]) -> list[str]:
    """Return the targets table as Markdown."""
    met = sum(row.met is True for row in rows)
    measured = sum(row.met is not None for row in rows)
    lines = [
        "## Targets",
        "",
        f"{met} of {measured} measured targets met in this run. Ratios are to raw Starlette in "
        "this run, on the generated project with its defaults (higher is better); routing "
        "divides the first route's µs by the last's. bench/README.md says why a target is "
        "missed.",
        "",
        "| target | goal | measured | detail | result |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        result = {True: "met", False: "**missed**", None: "not measured"}[row.met]
        lines.append(f"| {row.label} | {row.goal} | {row.measured} | {row.context} | {result} |")
    return [*lines, ""]
