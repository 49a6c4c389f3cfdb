"""pytest plugin (entry point ``pytest11``): settings for the project, and web fixtures.

Set the settings module with the ``framework_settings_module`` ini option (generated
projects do), the ``--framework-settings`` option or ``FRAMEWORK_SETTINGS_MODULE``; the
project is then set up once before tests are collected.

Fixtures: ``settings`` (change settings for one test), ``app`` (the project's app),
``client`` (a :class:`~framework.testing.TestClient` with the lifespan running),
``async_client`` (an :class:`~framework.testing.AsyncClient`, likewise), ``live_server``
(the base URL of the app on a real server), ``mailoutbox`` (the messages sent) and
``task_queue`` (jobs held until run).

A project's tests send mail to the outbox (``EMAIL_BACKEND=locmem``, unless the environment
names a backend), emptied before every test. Logging is left to pytest: ``framework.setup()``
does not configure it (``caplog`` and ``--log-level`` keep working).
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from framework.testing.database import db, db_setup

__all__ = [
    "app",
    "async_client",
    "client",
    "db",
    "db_setup",
    "live_server",
    "mailoutbox",
    "pytest_addoption",
    "pytest_configure",
    "settings",
    "task_queue",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the settings options."""
    group = parser.getgroup("framework")
    group.addoption(
        "--framework-settings",
        dest="framework_settings",
        default=None,
        help="Settings module of the project under test.",
    )
    parser.addini(
        "framework_settings_module",
        "Settings module of the project under test (FRAMEWORK_SETTINGS_MODULE).",
        default="",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Select the settings module and set the project up before collection."""
    from framework.conf import ENVIRONMENT_VARIABLE
    from framework.logging import leave_logging_alone

    leave_logging_alone()
    module = (
        config.getoption("framework_settings")
        or os.environ.get(ENVIRONMENT_VARIABLE)
        or config.getini("framework_settings_module")
    )
    if not module:
        return
    os.environ[ENVIRONMENT_VARIABLE] = module
    os.environ.setdefault("EMAIL_BACKEND", "locmem")
    from framework.apps.bootstrap import setup

    setup()


@pytest.fixture(autouse=True)
def _empty_mail_outbox() -> None:
    """Start every test with an empty outbox."""
    from framework.mail.backends.locmem import outbox

    outbox.clear()


@pytest.fixture
def mailoutbox() -> list[Any]:
    """Return the messages sent through the ``locmem`` backend during the test."""
    from framework.mail.backends.locmem import outbox

    return outbox


@pytest.fixture(autouse=True)
def _fresh_local_caches() -> Iterator[None]:
    """Empty the in-process (``locmem``) caches after each test.

    Cached pages, rate-limit counts and login throttling of one test never reach the next.
    """
    yield
    locmem = sys.modules.get("framework.cache.locmem")
    if locmem is not None:
        locmem.clear_all_stores()


@pytest.fixture
def settings() -> Iterator[Any]:
    """Change settings for one test: ``settings.DEBUG = True`` or ``with settings.override()``.

    Every change is undone after the test. Build the app after changing settings (the
    ``app`` fixture is built before the test body runs).
    """
    from framework.testing.fixtures import SettingsFixture

    fixture = SettingsFixture()
    try:
        yield fixture
    finally:
        fixture.restore()


@pytest.fixture
def task_queue() -> Iterator[Any]:
    """Hold the jobs the test enqueues (every ``TASKS`` alias) until it runs them.

    ``task_queue.jobs`` lists them; ``await task_queue.arun()`` (``.run()`` in sync tests)
    runs them, and the jobs they enqueue, and returns the results.
    """
    from framework.testing.tasks import queued_tasks

    with queued_tasks() as queue:
        yield queue


@pytest.fixture
def app(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Return the project's app (``get_asgi_application()``), built for this test.

    It runs on the throwaway test databases (``db_setup``), never on the project's own: a
    request that writes through ``client`` commits there. For tests that must leave nothing
    behind, use ``async_client`` with the ``db`` fixture (each test rolled back). It is the
    current app during the test, so ``url_for(...)`` works in the test's own code.
    """
    from framework.conf import ENVIRONMENT_VARIABLE
    from framework.conf import settings as project_settings

    if not (os.environ.get(ENVIRONMENT_VARIABLE) or project_settings.configured):
        pytest.fail(
            "The 'app' fixture builds the project's app, but no settings module is set: set "
            "framework_settings_module in the pytest configuration, or define an 'app' "
            "fixture in conftest.py that returns your App.",
            pytrace=False,
        )
    request.getfixturevalue("db_setup")
    from framework.appcontext import using
    from framework.web import get_asgi_application

    project_app = get_asgi_application()
    with using(project_app):
        yield project_app


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    """Return a ``TestClient`` for ``app``, with its lifespan running."""
    from framework.testing.clients import TestClient

    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    """Return the base URL (``http://127.0.0.1:<port>``) of ``app`` on a real uvicorn."""
    from framework.testing.server import live_server as serve

    with serve(app) as base_url:
        yield base_url


async def _async_client(app: Any) -> AsyncIterator[Any]:
    """Return an ``AsyncClient`` for ``app``, with its lifespan running."""
    from framework.testing.clients import AsyncClient

    async with AsyncClient(app) as test_client:
        yield test_client


def _missing_async_client(app: Any) -> Any:
    """Fail: the async client needs pytest-asyncio."""
    from framework.exceptions import MissingDependencyError

    raise MissingDependencyError("pytest-asyncio", feature="the async_client fixture")


try:
    import pytest_asyncio
except ImportError:  # pragma: no cover - async tests need pytest-asyncio anyway
    async_client: Any = pytest.fixture(_missing_async_client, name="async_client")
else:
    async_client = pytest_asyncio.fixture(_async_client, name="async_client")
