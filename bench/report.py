"""Write bench/results.md: per-endpoint tables, ratios to raw Starlette, figures, commands."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

LABELS = {
    "starlette": "Starlette (raw)",
    "framework": "framework",
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
        "run; higher is better.",
        "",
    ]
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
    path.write_text("\n".join(lines))


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
