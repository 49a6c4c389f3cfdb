"""The admin row: the admin's list page of 20 rows beside the same 20 rows as a REST list.

``startproject`` does not install the admin, so the project is the generated one
(bench/generated.py, its own name and SQLite file) with the admin added the way
docs/admin.md tells a user: ``pip install "framework[admin]"``, ``framework.contrib.admin``
after contrib.auth in INSTALLED_APPS, an ``admin.py`` registering the app's model,
``db-upgrade`` (the admin log's table) and a user with ``ADMIN_ROLE`` (``staff``). The
page lists the same 20 people as ``GET /users`` (``ordering = ["id"]``,
``list_per_page = 20``), as a staff user logged in with the JSON ``POST /login``.

Three cells on one server: the REST list, the REST list sent with the staff user's session
cookie, and the admin list page. A page takes milliseconds, so wrk runs with fewer
connections and a long timeout (``CONNECTIONS``, ``TIMEOUT``): on a loaded machine 64
connections make queues longer than wrk's own 2 s timeout. Errors are counted, never hidden.
The same three requests are timed in process (bench/asgi_cost.py ``admin``).
"""

from __future__ import annotations

import re
from pathlib import Path

import generated
import httpx
from asgi_cost import ADMIN_DATABASE, ADMIN_LIST
from inprocess import measure_inprocess
from load import Cell, Server, run_wrk
from tools import PROJECT_PYTHON, WORK

NAME = "benchadmin"
SITE = WORK / NAME
DB_URL = f"sqlite+aiosqlite:///{ADMIN_DATABASE}"
CONNECTIONS = 16
TIMEOUT = 30.0
ADMIN_PY = '''"""The people in the admin: the same 20 rows, in the same order, as GET /users."""

from framework.contrib.admin import ModelAdmin, register

from .models import Person


@register(Person)
class PersonAdmin(ModelAdmin):
    list_display = ["id", "name", "email"]
    ordering = ["id"]
    list_per_page = 20
'''
#: key (bench/asgi_cost.py's ADMIN_REQUESTS) → (label, path, with the session cookie?).
CELLS = {
    "users": ("REST `GET /users`", "/users", False),
    "users_session": ("REST `GET /users`, staff session cookie sent", "/users", True),
    "admin": (f"admin list page `GET {ADMIN_LIST}`", ADMIN_LIST, True),
}


def generate() -> Path:
    """Make the project with the admin, its database and its staff user; return its directory."""
    from common import seed

    ADMIN_DATABASE.unlink(missing_ok=True)
    seed(ADMIN_DATABASE)
    site = generated.generate(DB_URL, NAME)
    settings = site / NAME / "settings.py"
    text = settings.read_text()
    auth_line = re.search(r'^ *"framework\.contrib\.auth",.*$', text, re.MULTILINE)
    if auth_line is None:
        raise SystemExit(f"{settings} does not list framework.contrib.auth")
    line = auth_line.group(0)
    settings.write_text(text.replace(line, f'{line}\n    "framework.contrib.admin",'))
    (site / "users" / "admin.py").write_text(ADMIN_PY)
    env = generated.manage_env(DB_URL)
    manage = [str(PROJECT_PYTHON), "manage.py"]
    generated._run([*manage, "db-upgrade"], site, env)
    generated._run([*manage, "users", "roles", generated.LOGIN_USER, "--add", "staff"], site, env)
    return site


def server(uvicorn: list[str]) -> Server:
    """Return the admin project's server, run like the generated project's."""
    command = [str(PROJECT_PYTHON), *uvicorn, f"{NAME}.asgi:app"]
    return Server("admin", command, SITE, generated.server_env(DB_URL, SITE))


def login(running: Server) -> dict[str, str]:
    """Log the staff user in; return the ``Cookie`` header that carries the session."""
    credentials = {"username": generated.LOGIN_USER, "password": generated.LOGIN_PASSWORD}
    answer = httpx.post(f"{running.url}/login", json=credentials, timeout=TIMEOUT)
    cookies = [value.split(";", 1)[0] for value in answer.headers.get_list("set-cookie")]
    if answer.status_code != 200 or not cookies:
        raise SystemExit(f"POST /login answered {answer.status_code}: {answer.text[:300]}")
    return {"Cookie": "; ".join(cookies)}


def verify(running: Server, cookie: dict[str, str]) -> None:
    """Fail unless the page lists the REST list's 20 people, and only to a logged-in user."""
    url = running.url
    emails = [person["email"] for person in httpx.get(f"{url}/users", timeout=TIMEOUT).json()]
    page = httpx.get(url + ADMIN_LIST, headers=cookie, timeout=TIMEOUT)
    listed = re.findall(r"user\d+@example\.com", page.text)
    if page.status_code != 200 or sorted(set(listed)) != sorted(emails) or len(emails) != 20:
        raise SystemExit(f"{ADMIN_LIST} answered {page.status_code} without the 20 people")
    anonymous = httpx.get(url + ADMIN_LIST, timeout=TIMEOUT)
    if anonymous.status_code < 300 or anonymous.status_code >= 400:
        raise SystemExit(f"{ADMIN_LIST} without a session answered {anonymous.status_code}")


def measure_wire(running: Server, cookie: dict[str, str], seconds: float) -> dict[str, Cell]:
    """Return one round of the three cells, {key: Cell}."""
    cells = {}
    for key, (_, path, with_cookie) in CELLS.items():
        headers = cookie if with_cookie else None
        cells[key] = run_wrk(
            running.url + path, seconds, None, running, CONNECTIONS, TIMEOUT, headers
        )
        print(f"admin {key:14} {cells[key].rps:8.0f} req/s {cells[key].cpu_us:9.1f} µs CPU/request")
    return cells


def measure_in_process(rounds: int, quick: bool) -> dict[str, float]:
    """Return {key: µs per ASGI call} of the three requests (bench/asgi_cost.py ``admin``)."""
    return measure_inprocess(["admin"], PROJECT_PYTHON, rounds, quick)["admin"]


def report_lines(
    wire: dict[str, Cell], in_process: dict[str, float], rss: dict[str, float]
) -> list[str]:
    """Return the admin section: wire cells, in-process µs, each as a ratio to the REST list."""
    if not wire:
        return []
    memory = f"RSS after the load: {rss['admin']:.1f} MB"
    if "framework" in rss:
        memory += f" (the generated project without the admin: {rss['framework']:.1f} MB)"
    lines = [
        "## Admin list page beside the same rows over REST",
        "",
        "The generated project with the admin added as docs/admin.md tells a user "
        "(`startproject` does not install it: `framework.contrib.admin` in INSTALLED_APPS, an "
        "`admin.py` registering the app's model, `db-upgrade`, a user with the `staff` role; "
        "bench/admin_list.py). The page lists the same 20 rows as `GET /users`, requested as "
        f"the logged-in staff user. wrk with {CONNECTIONS} connections and a {TIMEOUT:g} s "
        "timeout (a page takes milliseconds); ratio = the row's req/s to the REST list's (in "
        f"process: the REST list's µs ÷ the row's, higher is better). {memory}.",
        "",
        "| row | req/s | ratio | CPU µs/request | p50 ms | p99 ms | errors | in process µs "
        "| ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    base, base_us = wire["users"], in_process.get("users")
    for key, (label, _, _) in CELLS.items():
        cell, micros = wire[key], in_process.get(key)
        own = f"{micros:.1f} | {base_us / micros:.2f}" if micros and base_us else "- | -"
        lines.append(
            f"| {label} | {cell.rps:,.0f} | {cell.rps / base.rps:.2f} | {cell.cpu_us:.1f} | "
            f"{cell.p50:.2f} | {cell.p99:.2f} | {cell.errors} | {own} |"
        )
    page = wire["admin"]
    cost = f"The page costs {page.cpu_us / base.cpu_us:.1f} times the REST list's server CPU"
    if base_us and in_process.get("admin"):
        cost += f" ({in_process['admin'] / base_us:.1f} times in process)"
    return [*lines, "", cost + ".", ""]
