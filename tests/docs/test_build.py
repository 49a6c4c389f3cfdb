"""The documentation builds in strict mode, with a CLI reference generated from the commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from framework.cli.builtins import BUILTIN_COMMANDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("FRAMEWORK_SETTINGS_MODULE", None)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(target)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def test_every_builtin_command_is_in_the_cli_reference(site: Path) -> None:
    page = (site / "reference" / "cli" / "index.html").read_text()
    for name in BUILTIN_COMMANDS:
        assert f"manage.py {name}</code>" in page, name
    # The commands of the framework's own app, subcommands included.
    for name in ("createsuperuser", "changepassword", "users list", "users token list"):
        assert f"manage.py {name}</code>" in page, name
    assert "--noreload" in page and "Do not restart the server when files change." in page


def test_guides_are_built(site: Path) -> None:
    for page in [
        "settings",
        "apps",
        "cli",
        "scaffolding",
        "database",
        "migrations",
        "architecture",
        "security",
    ]:
        assert (site / page / "index.html").is_file(), page
