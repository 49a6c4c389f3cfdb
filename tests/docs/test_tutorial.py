"""The tutorial is true: its marked commands and files run, in order, against this framework."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.docs.tutorial import Tutorial

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial.md"

pytestmark = pytest.mark.e2e


def test_the_tutorial_runs_as_written(tmp_path: Path) -> None:
    tutorial = Tutorial(tmp_path)
    ran = tutorial.play(TUTORIAL.read_text(encoding="utf-8"), "docs/tutorial.md")
    assert ran >= 15
    project = tmp_path / "mysite"
    # The project's tests ran on a throwaway database: the one the server used has only the
    # post the tutorial created (and deleted) by hand.
    with sqlite3.connect(project / "db.sqlite3") as connection:
        titles = [row[0] for row in connection.execute("SELECT title FROM blog_post")]
    assert titles == []
    assert "Tested" not in titles
