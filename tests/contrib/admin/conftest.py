"""The admin test project on real databases (SQLite and PostgreSQL), emptied before each test.

The databases of each backend are migrated once per session (two aliases: the library on
``default``, loans on ``archive``); every test starts from empty tables. ``Browser`` logs a
test client into the admin through its login form, CSRF token included.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from tests.contrib.auth.conftest import run
from tests.support.databases import (
    acquire_postgres_database,
    postgres_url,
    scratch_folder,
)
from tests.support.fixtures import backend, close_engines
from tests.support.projects import load_project

__all__ = [
    "PASSWORD",
    "AdminClient",
    "admin_db",
    "adminproject",
    "backend",
    "close_engines",
    "csrf_of",
    "make_user",
    "run",
]

PROJECT_SETTINGS = "tests.fixtures.adminproject.settings"
PASSWORD = "correct-horse-battery"
ALIASES = ("default", "archive")
_modules: dict[str, ModuleType] = {}
_migrated: dict[str, dict[str, str]] = {}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def adminproject(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load the admin test project (its modules are imported once per test session)."""
    load_project(monkeypatch, PROJECT_SETTINGS, _modules, ("tests.fixtures.adminproject",))


def _urls(backend: str) -> dict[str, str]:
    if backend == "sqlite":
        folder = scratch_folder()
        return {alias: f"sqlite+aiosqlite:///{folder / f'{alias}.sqlite3'}" for alias in ALIASES}
    return {alias: postgres_url(acquire_postgres_database()) for alias in ALIASES}


#: The project's tables, by prefix, and their database.
TABLES = {"auth_": "default", "admin_": "default", "library_": "default", "lending_": "archive"}


async def _empty_tables() -> None:
    from sqlalchemy import delete

    from framework.db import engines
    from framework.db.models import metadata

    for table in reversed(metadata.sorted_tables):
        alias = next((a for prefix, a in TABLES.items() if table.name.startswith(prefix)), None)
        if alias is not None:
            async with engines.get(alias).begin() as connection:
                await connection.execute(delete(table))


@pytest.fixture
def admin_db(adminproject: None, backend: str) -> Iterator[dict[str, str]]:
    """Point DATABASES at migrated, emptied databases on *backend*; return their URLs."""
    from framework.conf import settings
    from framework.testing.database import migrate_databases

    if backend not in _migrated:
        urls = _urls(backend)
        with settings.override(DATABASES=urls):
            run(migrate_databases)
        _migrated[backend] = urls
    urls = _migrated[backend]
    # Plain http on 127.0.0.1 (the browser tests): the cookies cannot be Secure here.
    with settings.override(DATABASES=urls, SESSION_COOKIE_SECURE=False):
        run(_empty_tables)
        yield urls


def make_user(username: str, password: str = PASSWORD, **options: Any) -> Any:
    """Create a contrib.auth user (committed) with contrib.auth's own function; return it."""
    from framework import db
    from framework.contrib.auth.users import create_user

    async def create() -> Any:
        async with db.session():
            return await create_user(username, options.pop("email", None), password, **options)

    return run(create)


def csrf_of(html: str) -> str:
    """Return the CSRF token of the first form in *html*."""
    found = _CSRF.search(html)
    assert found, html[:2000]
    return found.group(1)


class AdminClient:
    """An in-process client logged into the admin through its form."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def login(self, username: str, password: str = PASSWORD) -> Any:
        page = self.client.get("/admin/login")
        return self.client.post(
            "/admin/login",
            data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, **kwargs)

    def post_form(self, page: str, data: dict[str, Any], **kwargs: Any) -> Any:
        """Open *page*, then post *data* to it with the page's CSRF token."""
        token = csrf_of(self.client.get(page).text)
        return self.client.post(
            page, data={**data, "csrf_token": token}, follow_redirects=False, **kwargs
        )

    def token(self) -> str:
        """Return a CSRF token of the current session."""
        return csrf_of(self.client.get("/admin/login").text)


@pytest.fixture
def app(admin_db: dict[str, str]) -> Any:
    """Return the project's App (built now, with the test's DATABASES)."""
    from framework.web import get_asgi_application

    return get_asgi_application()


@pytest.fixture
def clients(app: Any) -> Iterator[Any]:
    """Return ``new()``: another client of the project (each closed at the end of the test)."""
    from contextlib import ExitStack

    from framework.testing import TestClient

    with ExitStack() as stack:
        yield lambda: AdminClient(stack.enter_context(TestClient(app)))


@pytest.fixture
def admin_client(clients: Any) -> AdminClient:
    """Return a client of the project (not logged in)."""
    return clients()


@pytest.fixture
def logged_in(clients: Any) -> Any:
    """Return ``login(username, **options)``: a client logged in as a new user."""

    def login(username: str, **options: Any) -> AdminClient:
        make_user(username, **options)
        client = clients()
        assert client.login(username).status_code == 303
        return client

    return login
