"""The security guide's table names only tests and benchmark scenarios that exist.

Every pytest node id in the "What the tests prove" table of docs/security.md must name a
file and a test function (or a class and its method) defined in it; every benchmark
scenario must be one that bench/robustness.py runs and bench/robustness.md reports.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "security.md"
BENCH = ROOT / "bench" / "robustness.py"
BENCH_REPORT = ROOT / "bench" / "robustness.md"
HEADING = "## What the tests prove"

NODE_ID = re.compile(r"`(tests/[\w/]+\.py)::([\w:]+)`")
SCENARIO = re.compile(r'`bench/robustness\.py` "([^"]+)"')


def table_rows() -> list[list[str]]:
    """Return the cells of every data row of the table under HEADING."""
    text = GUIDE.read_text(encoding="utf-8")
    assert HEADING in text, f"{GUIDE} has no {HEADING!r} section"
    section = text.split(HEADING, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("|") or set(line) <= {"|", "-", " "}:
            continue
        cells = [cell.strip() for cell in line.strip()[1:-1].split("|")]
        if cells[0] == "case" or not cells[1:] or not any(cells[1:]):
            continue  # the header, and the rows that only name a group
        rows.append(cells)
    return rows


def defined_tests(path: Path) -> set[str]:
    """Return ``name`` for each test function and ``Class::name`` for each test method."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    names.add(f"{node.name}::{item.name}")
    return {name for name in names if name.split("::")[-1].startswith("test")}


def scenarios() -> set[str]:
    """Return the scenario names bench/robustness.py reports (the keys of its results)."""
    return set(re.findall(r'^\s+"([^"]+)": scenario_\w+\(', BENCH.read_text(), re.MULTILINE))


ROWS = table_rows()


def test_the_table_has_a_row_for_each_rule() -> None:
    assert len(ROWS) >= 90, len(ROWS)
    for cells in ROWS:
        assert len(cells) == 3, cells
        case, proof, result = cells
        assert case and result, cells
        assert NODE_ID.search(proof) or SCENARIO.search(proof), f"no proof for {case!r}"


@pytest.mark.parametrize(
    ("path", "name"),
    sorted({match.groups() for cells in ROWS for match in NODE_ID.finditer(cells[1])}),
)
def test_every_named_test_exists(path: str, name: str) -> None:
    source = ROOT / path
    assert source.is_file(), f"{path} does not exist"
    assert name in defined_tests(source), f"{path} defines no test {name!r}"


@pytest.mark.parametrize(
    "scenario", sorted({name for cells in ROWS for name in SCENARIO.findall(cells[1])})
)
def test_every_named_benchmark_scenario_exists(scenario: str) -> None:
    assert scenario in scenarios(), f"bench/robustness.py runs no scenario {scenario!r}"
    assert f"## {scenario}: " in BENCH_REPORT.read_text(), f"{scenario!r} is not in the report"


def test_proofs_are_written_as_node_ids_or_scenarios() -> None:
    # A test named any other way (a typo in the path, a missing "::") would escape the checks.
    for cells in ROWS:
        rest = SCENARIO.sub("", NODE_ID.sub("", cells[1]))
        assert set(rest) <= set(", "), (cells[0], rest)
