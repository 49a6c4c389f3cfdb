"""Shared fixtures: isolated settings and app registry, fixture projects on sys.path."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from framework.apps import apps
from framework.cli.app import cli
from framework.conf import ENVIRONMENT_VARIABLE, settings

# pytester runs pytest inside pytest (tests of the pytest plugin); the browser fixtures drive
# headless Chromium for pages people look at; postgres_watch stops the run when the PostgreSQL
# test server dies.
pytest_plugins = ["pytester", "tests.support.browser", "tests.support.postgres_watch"]

FIXTURES = Path(__file__).parent / "fixtures"


def _is_throwaway(module: object, temp_root: str) -> bool:
    """Return whether *module* comes from a fixture project or a test's temporary folder."""
    locations = [
        getattr(module, "__file__", None) or "",
        *(getattr(module, "__path__", None) or []),
    ]
    return any(
        str(location).startswith((str(FIXTURES), temp_root)) for location in locations if location
    )


@pytest.fixture(autouse=True)
def isolated_framework(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    """Give every test fresh settings, registry and CLI discovery, and restore them after."""
    # setenv first so the variable is restored even when code under test sets it directly
    # (the CLI's --settings option does).
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "")
    monkeypatch.delenv(ENVIRONMENT_VARIABLE)
    settings.reset()
    apps.reset()
    cli._discovered = None
    cli.load_error = None
    yield
    settings.reset()
    apps.reset()
    cli._discovered = None
    cli.load_error = None
    # Forget fixture apps and generated projects so the next test imports them afresh;
    # installed packages stay loaded (a second copy of a module breaks isinstance checks).
    temp_root = str(tmp_path_factory.getbasetemp())
    for name, module in list(sys.modules.items()):
        # ``tests.fixtures.*`` packages are imported once, by name, and keep their state.
        if not name.startswith("tests.") and _is_throwaway(module, temp_root):
            del sys.modules[name]


@pytest.fixture
def fixture_path(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put ``tests/fixtures`` on ``sys.path`` so fixture projects and apps import."""
    monkeypatch.syspath_prepend(str(FIXTURES))
    return FIXTURES


@pytest.fixture
def use_settings(monkeypatch: pytest.MonkeyPatch, fixture_path: Path):
    """Return a function that selects a fixture settings module for the test."""

    def select(module: str) -> None:
        monkeypatch.setenv(ENVIRONMENT_VARIABLE, module)
        settings.reset()

    return select


@pytest.fixture
def make_settings_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Return a function writing a throwaway settings module and selecting it."""
    counter = iter(range(1_000_000))

    def make(source: str, env: str | None = None, apps_source: dict[str, str] | None = None) -> str:
        package = f"tmpproject{next(counter)}"
        root = tmp_path / package
        root.mkdir()
        (root / "__init__.py").write_text("")
        (root / "settings.py").write_text(source)
        for relative, text in (apps_source or {}).items():
            path = tmp_path / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        if env is not None:
            (tmp_path / ".env").write_text(env)
        monkeypatch.syspath_prepend(str(tmp_path))
        module = f"{package}.settings"
        monkeypatch.setenv(ENVIRONMENT_VARIABLE, module)
        monkeypatch.setenv("FRAMEWORK_ENV_FILE", str(tmp_path / ".env"))
        settings.reset()
        return module

    return make


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove environment variables that would leak into settings resolution."""
    for key in list(os.environ):
        if key.isupper() and key in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}:
            monkeypatch.delenv(key)
