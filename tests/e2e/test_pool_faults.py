"""A small connection pool under concurrent clients, and PostgreSQL restarted under it.

A generated project served by a real ``serve`` process on a private PostgreSQL server, with
a pool of two connections: many more clients than connections all get their answers (the
pool serves them in turn), and after the database restarts the pool reconnects and every
connection is back in service (none lost on the error path, or the clients would wait past
``pool_timeout``).
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.support.databases import private_postgres_cluster

from .conftest import free_port, run, start_server

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

CONTROLLER = """
from framework.contrib.auth.models import User
from framework.web import Controller, get


class PeopleController(Controller):
    path = "/people"

    @get("/count")
    async def count(self, request):
        return {"users": await User.query().count()}
"""
POOL = """
DATABASES = {
    "default": {
        "URL": "sqlite:///db.sqlite3",
        "OPTIONS": {"pool_size": 2, "max_overflow": 0, "pool_timeout": 30},
    },
}
"""
CLIENTS = 12
TIMEOUT = 60


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generate a project with a ``people`` app counting users, on a pool of two."""
    base = tmp_path_factory.mktemp("pool")
    framework = Path(sys.executable).parent / "framework"
    assert run([str(framework), "startproject", "mysite"], cwd=base).returncode == 0
    root = base / "mysite"
    result = run([sys.executable, "manage.py", "startapp", "people"], cwd=root)
    assert result.returncode == 0, result.stderr
    (root / "people" / "controllers.py").write_text(CONTROLLER)
    with (root / "mysite" / "settings.py").open("a") as settings:
        settings.write(POOL)
    return root


def counts(url: str, clients: int, each: int) -> list[int]:
    """Have *clients* threads each GET the count *each* times; return every status."""

    def client(_: int) -> list[int]:
        with httpx.Client(base_url=url, timeout=TIMEOUT) as http:
            return [http.get("/people/count").status_code for _ in range(each)]

    with ThreadPoolExecutor(clients) as pool:
        return [status for statuses in pool.map(client, range(clients)) for status in statuses]


def test_more_clients_than_connections_and_a_postgres_restart(project: Path) -> None:
    cluster = private_postgres_cluster()
    try:
        env = {"DATABASE_URL": cluster.url, "DEBUG": "false"}
        migrated = run([sys.executable, "manage.py", "db-upgrade"], cwd=project, **env)
        assert migrated.returncode == 0, migrated.stderr
        port = free_port()
        args = [sys.executable, "manage.py", "serve", "--port", str(port), "--workers", "1"]
        with start_server(args, project, port, **env) as server:
            assert server.get("/people/count", timeout=TIMEOUT).json() == {"users": 0}
            assert counts(server.url, CLIENTS, 10) == [200] * CLIENTS * 10

            cluster.restart()
            # The connections pooled before the restart are dead: SQLAlchemy finds out on the
            # first request that uses one (a 500) and drops the pool's old connections. A new
            # HTTP connection each time: the server closes one whose request raised.
            first = [
                httpx.get(f"{server.url}/people/count", timeout=TIMEOUT).status_code
                for _ in range(3)
            ]
            assert first[-1] == 200 and set(first) <= {200, 500}, first

            assert counts(server.url, CLIENTS, 10) == [200] * CLIENTS * 10
            assert "QueuePool limit" not in server.output()
    finally:
        cluster.stop()
