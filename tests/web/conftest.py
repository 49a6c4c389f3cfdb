"""Fixtures of the web tests: a clean app registry per test, and the fixture project."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import framework
from framework.apps import apps
from framework.conf import ENVIRONMENT_VARIABLE, settings
from tests.fixtures.webproject.events import EVENTS

PROJECT_SETTINGS = "tests.fixtures.webproject.settings"


@pytest.fixture(autouse=True)
def _isolated_registry() -> Iterator[None]:
    """Restore the app registry after each test, whatever the test populated."""
    saved = dict(apps.__dict__)
    yield
    apps.__dict__.clear()
    apps.__dict__.update(saved)


@pytest.fixture
def webproject(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Load the fixture project (two apps) as the current project."""
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, PROJECT_SETTINGS)
    monkeypatch.delenv("DEBUG", raising=False)
    settings.reset()
    apps.reset()
    framework.setup()
    EVENTS.clear()
    yield settings
    settings.reset()
