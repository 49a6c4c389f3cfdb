"""The complete scripts of docs/database.md run as printed."""

from __future__ import annotations

from pathlib import Path

from tests.support.doc_scripts import run_doc_script


def test_the_complete_script_runs(tmp_path: Path) -> None:
    result = run_doc_script("database.md", "## A complete script", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1 note\n"


def test_the_queries_script_runs(tmp_path: Path) -> None:
    result = run_doc_script(
        "database.md", "## Queries: filters, ordering, offsets, joins", tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Octavia E. Butler\n"


def test_the_values_script_runs(tmp_path: Path) -> None:
    result = run_doc_script("database.md", "## Rows without objects", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "{'title': 'Kindred'}\n"
