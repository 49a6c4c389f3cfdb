"""The load and fault scripts pass in their short form (the full run writes bench/robustness.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


def test_every_scenario_passes(tmp_path: Path) -> None:
    output = tmp_path / "robustness.md"
    result = subprocess.run(
        [sys.executable, "bench/robustness.py", "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = output.read_text() if output.exists() else ""
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    for scenario in [
        "200 keep-alive clients on a database route",
        "Oversized uploads in parallel",
        "kill -9 during writes",
        "kill -9 during db-upgrade",
        "SIGTERM with requests in flight",
    ]:
        assert f"## {scenario}: pass" in report, scenario
    assert "| lost | 0 |" in report
    assert "| exit code | 0 |" in report
