"""docs/user-admin.md's "From Python" script runs as printed."""

from __future__ import annotations

from pathlib import Path

from tests.support.doc_scripts import run_doc_script


def test_the_python_api_script_runs(tmp_path: Path) -> None:
    result = run_doc_script("user-admin.md", "## From Python", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ann ['editor']\n"
