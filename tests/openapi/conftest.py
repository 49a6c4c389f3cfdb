"""The demo project in ``example/`` as the current project, on a throwaway database."""

from __future__ import annotations

from pathlib import Path

import pytest

from framework.apps import apps
from framework.conf import ENVIRONMENT_VARIABLE, settings

#: A key that passes the deployment checks (the demo's own comes from example/.env).
DEMO_SECRET = "demo-tests-" + "s3cr3t-k3y-" * 6


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Select ``example.settings`` with a temporary database and media folder."""
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "example.settings")
    monkeypatch.setenv("SECRET_KEY", DEMO_SECRET)
    monkeypatch.setenv("DEBUG", "false")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'demo.sqlite3'}")
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "media"))
    monkeypatch.setenv("FRAMEWORK_ENV_FILE", str(tmp_path / ".env"))
    settings.reset()
    apps.reset()
    return tmp_path
