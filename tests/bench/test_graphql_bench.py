"""bench/graphql_vs_rest.py runs end to end (one second per cell); speed is never asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


def test_the_graphql_bench_measures_every_cell(tmp_path: Path) -> None:
    output = tmp_path / "section.md"
    result = subprocess.run(
        [sys.executable, "bench/graphql_vs_rest.py", "--quick", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    text = output.read_text()
    assert text.startswith("## GraphQL list vs the same list over REST\n")
    rows = [line for line in text.splitlines() if line.startswith(("| REST", "| GraphQL"))]
    assert len(rows) == 3
    for row in rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert cells[6].isdigit(), row  # the errors, shown whatever they are
        assert float(cells[7]) > 0 and float(cells[8]) > 0, row  # in process µs, ratio
