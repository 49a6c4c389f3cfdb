"""The GraphQL test project: loaded in-process per test, or served by a real uvicorn.

``gql_db`` gives a test the project on a fresh, migrated database (SQLite and PostgreSQL).
``live`` runs the project under uvicorn in a subprocess once per module and backend, with
two users made by the project's own commands: ``ann`` (role ``librarian``) and ``bob``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from tests.contrib.auth.conftest import run
from tests.e2e.conftest import BIN, Server, free_port, start_server
from tests.e2e.conftest import run as run_command
from tests.support.databases import BACKENDS, empty_database, scratch_folder
from tests.support.fixtures import backend, close_engines
from tests.support.projects import load_project

__all__ = ["Live", "backend", "calls", "close_engines", "gql_db", "gqlproject", "live", "run"]

PROJECT_SETTINGS = "tests.fixtures.graphqlproject.settings"
REPO = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"
_modules: dict[str, ModuleType] = {}


@pytest.fixture
def gqlproject(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load the GraphQL test project (its modules are imported once per test session)."""
    load_project(monkeypatch, PROJECT_SETTINGS, _modules, ("tests.fixtures.graphqlproject",))


@pytest.fixture
def calls(gqlproject: None) -> list[str]:
    """Return the list of resolvers the project ran (empty at the start of the test)."""
    from tests.fixtures.graphqlproject.bookshelf.graphql import CALLS

    CALLS.clear()
    return CALLS


@pytest.fixture
def gql_db(gqlproject: None, backend: str) -> Iterator[str]:
    """Point DATABASES at an empty, migrated database on *backend*; return its URL."""
    from framework.conf import settings
    from framework.testing.database import migrate_databases

    with (
        empty_database(backend, "graphql.sqlite3") as url,
        settings.override(DATABASES={"default": url}),
    ):
        run(migrate_databases)
        yield url


@dataclass
class Live:
    """The project under uvicorn: its URL and the API tokens of ann and bob."""

    server: Server
    url: str
    ws_url: str
    tokens: dict[str, str]

    def post(self, query: str, token: str | None = None, **options: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[token]}"} if token else {}
        body = {"query": query, **options}
        return httpx.post(f"{self.url}/graphql", json=body, headers=headers, timeout=30)


def _manage(env: dict[str, str], cwd: Path, *args: str) -> str:
    result = run_command([str(BIN / "framework"), *args], cwd, **env)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module", params=BACKENDS)
def live(request: pytest.FixtureRequest) -> Iterator[Live]:
    """Serve the project with uvicorn on a migrated database of each backend."""
    with empty_database(str(request.param), "graphql.sqlite3") as url:
        yield from _serve(url)


def _serve(url: str) -> Iterator[Live]:
    """Migrate the database at *url*, create the users, and serve the project with uvicorn."""
    folder = scratch_folder()
    env = {
        "FRAMEWORK_SETTINGS_MODULE": PROJECT_SETTINGS,
        "DATABASE_URL": url,
        "PYTHONPATH": str(REPO),
        "MAX_BODY_SIZE": "100000",
        "FRAMEWORK_USER_PASSWORD": PASSWORD,
    }
    _manage(env, folder, "db-upgrade")
    _manage(env, folder, "users", "create", "ann", "--role", "librarian", "--noinput")
    _manage(env, folder, "users", "create", "bob", "--noinput")
    tokens = {
        user: _manage(env, folder, "users", "token", "create", user).strip()
        for user in ("ann", "bob")
    }
    port = free_port()
    args = [sys.executable, "-m", "uvicorn", "tests.fixtures.graphqlproject.asgi:app"]
    args += ["--port", str(port), "--log-level", "warning"]
    with start_server(args, folder, port, **env) as server:
        server.get("/graphql?query={reviewCount}")
        yield Live(server, server.url, f"ws://127.0.0.1:{port}/graphql", tokens)
