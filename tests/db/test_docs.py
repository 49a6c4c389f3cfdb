"""The complete example of docs/database.md runs as printed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.support.databases import REPO


def test_the_complete_script_runs(tmp_path: Path) -> None:
    text = (REPO / "docs" / "database.md").read_text(encoding="utf-8")
    section = text.split("## A complete script", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    script = tmp_path / "script.py"
    script.write_text(code.group(1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1 note\n"


def test_the_queries_script_runs(tmp_path: Path) -> None:
    text = (REPO / "docs" / "database.md").read_text(encoding="utf-8")
    section = text.split("## Queries: filters, ordering, offsets, joins", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None
    script = tmp_path / "queries.py"
    script.write_text(code.group(1), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Octavia E. Butler\n"
