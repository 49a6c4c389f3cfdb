"""``make test`` runs pytest, lint and typecheck to the end and fails if any of them failed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "run_targets.py"

MAKEFILE = """
tests:
\t@echo running tests; exit 3
lint:
\t@echo running lint
typecheck:
\t@echo running typecheck; exit 1
"""


def test_every_target_runs_and_the_failures_are_reported(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text(MAKEFILE)
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "-C", str(tmp_path), "tests", "lint", "typecheck"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "running tests\n" in result.stdout and "running lint\n" in result.stdout
    assert "running typecheck\n" in result.stdout
    assert result.stdout.endswith(
        "Summary:\n  tests: FAILED (exit 2)\n  lint: ok\n  typecheck: FAILED (exit 2)\n"
    )


def test_all_passing_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "Makefile").write_text("a:\n\t@true\nb:\n\t@true\n")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "-C", str(tmp_path), "a", "b"], capture_output=True, text=True
    )
    assert (result.returncode, "Summary" in result.stdout) == (0, False)


def test_make_test_uses_it() -> None:
    makefile = (SCRIPT.parents[1] / "Makefile").read_text()
    assert "scripts/run_targets.py lint typecheck pytest" in makefile
