"""A fixture for tests of standalone apps: unloaded settings in an empty current folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from framework.conf import ENVIRONMENT_VARIABLE, settings

__all__ = ["fresh_settings"]


@pytest.fixture
def fresh_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Run in an empty folder with unloaded settings, as a new script would; restore after."""
    previous = settings._wrapped
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    monkeypatch.delenv("FRAMEWORK_ENV_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    settings.reset()
    yield
    object.__setattr__(settings, "_wrapped", previous)
