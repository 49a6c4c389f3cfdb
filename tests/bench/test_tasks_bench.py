"""The tasks benchmark runs end to end in its quick form; nothing about speed is asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


def test_quick_run_writes_its_section(tmp_path: Path) -> None:
    output = tmp_path / "results.md"
    output.write_text("# Benchmark results\n\n## Other section\n\nkept\n")
    result = subprocess.run(
        [sys.executable, "bench/tasks.py", "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    report = output.read_text()
    assert "## Other section\n\nkept" in report
    assert "## Tasks: jobs enqueued from a request, and latency to a worker" in report
    for row in (
        "| row only (no job) |",
        "| row + job, procrastinate |",
        "| row + job, inprocess |",
    ):
        assert row in report
    assert "| 20 |" in report  # twenty jobs timed from request to worker
