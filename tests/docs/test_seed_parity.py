"""docs/seed-parity.md answers every row of the seed audit, with tests that exist or a reason.

The audit ranked the seed features that were missing or partial (its ranks and item ids are
in ``tests/docs/seed_audit.py``). The page must list each rank with the same item ids; a row
built here names at least one test (each must exist), and a declined row (or part) has its
reason in docs/architecture.md's "Declined seed features".
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.docs.seed_audit import AUDIT_IDS
from tests.docs.test_security_table import NODE_ID, defined_tests

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "seed-parity.md"
ARCHITECTURE = ROOT / "docs" / "architecture.md"
IDS = re.compile(r"\b([JDM]\d{2,3})\b")
STATUSES = {
    "built",
    "built elsewhere",
    "built, part declined",
    "built elsewhere, part declined",
    "declined",
}


def table(text: str, first_header: str) -> list[list[str]]:
    """Return the cells of each data row of the first table whose header starts so."""
    rows: list[list[str]] = []
    inside = False
    for line in text.splitlines():
        if line.startswith(f"| {first_header} |"):
            inside = True
            continue
        if inside and not line.startswith("|"):
            break
        if inside and not set(line) <= {"|", "-", " ", ":"}:
            rows.append([cell.strip() for cell in line.strip()[1:-1].split("|")])
    return rows


def page_rows() -> dict[int, list[str]]:
    return {int(cells[0]): cells for cells in table(PAGE.read_text(encoding="utf-8"), "rank")}


def declined_ranks() -> set[int]:
    """Return the ranks that docs/architecture.md's "Declined seed features" table explains."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    assert "## Declined seed features" in text
    section = text.split("## Declined seed features", 1)[1].split("\n## ", 1)[0]
    return {int(cells[0]) for cells in table(section, "rank") if cells[0].isdigit()}


ROWS = page_rows()


def test_every_audit_row_is_answered_once_with_its_ids() -> None:
    audit = AUDIT_IDS
    assert len(audit) == 50
    assert sorted(ROWS) == sorted(audit)
    for rank, ids in audit.items():
        assert set(IDS.findall(ROWS[rank][2])) == ids, f"rank {rank}: the item ids differ"


@pytest.mark.parametrize("rank", sorted(ROWS))
def test_each_row_has_its_proof(rank: int) -> None:
    _, item, _, status, proof = ROWS[rank]
    assert item and proof, rank
    assert status in STATUSES, f"rank {rank}: unknown status {status!r}"
    if status.startswith("built"):
        assert NODE_ID.search(proof), f"rank {rank} is built but names no test"
    if "declined" in status:
        assert rank in declined_ranks(), f"rank {rank}: no reason in docs/architecture.md"


@pytest.mark.parametrize(
    ("path", "name"),
    sorted({m.groups() for cells in ROWS.values() for m in NODE_ID.finditer(cells[4])}),
)
def test_every_named_test_exists(path: str, name: str) -> None:
    source = ROOT / path
    assert source.is_file(), f"{path} does not exist"
    assert name in defined_tests(source), f"{path} defines no test {name!r}"


def test_declined_reasons_are_only_for_declined_rows() -> None:
    declined = {rank for rank, cells in ROWS.items() if "declined" in cells[3]}
    assert declined_ranks() == declined
