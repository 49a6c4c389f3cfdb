"""Shell completion as docs/installation.md tells it, and the install lines it gives."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.e2e.conftest import BIN, clean_environ

ROOT = Path(__file__).resolve().parents[2]
INSTALLATION = (ROOT / "docs" / "installation.md").read_text()


def complete(args: list[str], cwd: Path, variable: str, words: str) -> str:
    env = clean_environ(COMP_WORDS=words, COMP_CWORD="1", **{variable: "bash_complete"})
    env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_documented_variables_are_the_ones_the_cli_reads(tmp_path: Path) -> None:
    assert "_FRAMEWORK_COMPLETE=bash_source framework" in INSTALLATION
    assert "_MANAGE_PY_COMPLETE=bash_source ./manage.py" in INSTALLATION
    assert complete(
        [str(BIN / "framework")], tmp_path, "_FRAMEWORK_COMPLETE", "framework star"
    ) == ("plain,startapp\nplain,startproject\n")
    subprocess.run([str(BIN / "framework"), "startproject", "compsite"], cwd=tmp_path, check=True)
    site = tmp_path / "compsite"
    assert os.access(site / "manage.py", os.X_OK)
    found = complete(
        [sys.executable, "manage.py"], site, "_MANAGE_PY_COMPLETE", "./manage.py db-up"
    )
    assert found == "plain,db-upgrade\n"


def test_install_lines_name_the_wheel_that_pip_builds() -> None:
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    wheel = f"dist/framework-{version}-py3-none-any.whl"
    for page in (INSTALLATION, (ROOT / "README.md").read_text()):
        assert f"pip install {wheel}" in page
        assert "pip wheel --no-deps -w dist path/to/framework" in page
        assert not re.search(r"^\$ pip install framework\b", page, re.MULTILINE)
