"""The routing row: a generated project with 300 routes, its first route against its last.

The project is ``startproject`` plus one app whose ``controllers.py`` declares 300 GET
routes, even ones static (``/p0``, ``/p2``, …), odd ones with an ``int`` parameter
(``/p1/{key}``, …), after contrib.auth's and the OpenAPI app's routes. Raw Starlette
serves the same 300 routes (``apps/raw_starlette_routes.py``). Both are timed in-process
(bench/asgi_cost.py); the ratio last/first shows what a route's place costs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from asgi_cost import ROUTE_REQUESTS
from generated import _run
from inprocess import measure_inprocess
from tools import PROJECT_PYTHON, WORK

ROUTE_COUNT = 300
NAME = "benchroutes"
SITE = WORK / NAME
#: key (bench/asgi_cost.py's ROUTE_REQUESTS) → label.
LABELS = {"first": "first route", "last_static": "last static route", "last": "last route"}
CONTENDERS = {"routes-starlette": "Starlette (raw)", "routes-framework": "framework"}


def path_of(number: int) -> str:
    """Return route *number*'s path: even routes are static, odd ones take an int."""
    return f"/p{number}" if number % 2 == 0 else f"/p{number}/{{key:int}}"


def controllers_source(count: int = ROUTE_COUNT) -> str:
    """Return a ``controllers.py`` declaring *count* routes, as the docs write them."""
    lines = [
        '"""Many pages: the routing benchmark."""',
        "",
        "from framework.web import Controller, get",
        "",
        "",
        "class Pages(Controller):",
        '    path = "/"',
    ]
    for number in range(count):
        path = path_of(number)
        params = ", key: int" if number % 2 else ""
        lines += [
            "",
            f'    @get("{path}")',
            f"    async def page{number}(self, request{params}):",
            "        return request.url.path",
        ]
    return "\n".join(lines) + "\n"


def generate() -> Path:
    """Create the 300-route project afresh in bench/.work/benchroutes; return its directory."""
    shutil.rmtree(SITE, ignore_errors=True)
    SITE.parent.mkdir(parents=True, exist_ok=True)
    _run([str(PROJECT_PYTHON), "-m", "framework", "startproject", NAME, str(SITE)], SITE.parent)
    _run([str(PROJECT_PYTHON), "manage.py", "startapp", "pages"], SITE)
    (SITE / "pages" / "controllers.py").write_text(controllers_source())
    return SITE


def measure(rounds: int, quick: bool) -> dict[str, dict[str, float]]:
    """Return {contender: {request key: µs per request}}, timed in-process."""
    return measure_inprocess(list(CONTENDERS), PROJECT_PYTHON, rounds, quick)


def report_lines(results: dict[str, dict[str, float]]) -> list[str]:
    """Return the routing section: µs per request by route place, and last/first."""
    names = [name for name in CONTENDERS if name in results]
    lines = [
        f"## Routing: {ROUTE_COUNT} routes, first against last (in process)",
        "",
        f"A generated project with one app of {ROUTE_COUNT} routes (even ones static, odd ones "
        "with an `int` parameter) against raw Starlette serving the same routes "
        "(bench/many_routes.py); CPU µs per ASGI call, best of the rounds. The last rows divide "
        "by the first route's µs (1.00: a route's place costs nothing).",
        "",
        "| route | " + " | ".join(CONTENDERS[name] for name in names) + " |",
        "|---" + "|---:" * len(names) + "|",
    ]
    for key, label in LABELS.items():
        cells = [f"{results[name][key]:.1f} µs" for name in names]
        lines.append(f"| {label} `GET {ROUTE_REQUESTS[key][1]}` | " + " | ".join(cells) + " |")
    for key in ("last_static", "last"):
        cells = [f"{results[name][key] / results[name]['first']:.2f}" for name in names]
        lines.append(f"| {LABELS[key]} ÷ first route | " + " | ".join(cells) + " |")
    return [*lines, ""]
