"""The tutorial is true: its marked commands and files run, in order, against this framework."""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from tests.docs.tutorial import Tutorial
from tests.e2e.conftest import BIN

TUTORIAL = Path(__file__).resolve().parents[2] / "docs" / "tutorial.md"

pytestmark = pytest.mark.e2e


def titles(tutorial: Tutorial) -> list[str]:
    """Return the titles of the posts in the database the tutorial's server uses."""
    with closing(sqlite3.connect(tutorial.cwd / "db.sqlite3")) as connection:
        return [row[0] for row in connection.execute("SELECT title FROM blog_post")]


def the_database_then_schemathesis(tutorial: Tutorial) -> None:
    """Check what the tutorial left in its database, then let schemathesis at its API."""
    # The project's tests ran on a throwaway database: the one the server uses has only the
    # post the tutorial created (and deleted) by hand.
    assert titles(tutorial) == []
    schemathesis_finds_nothing(tutorial)


def schemathesis_finds_nothing(tutorial: Tutorial) -> None:
    """Run every schemathesis check over the tutorial's API, logged in as its superuser."""
    # Outside the project: the reports schemathesis writes would make the dev server reload.
    folder = tutorial.cwd.parent / "schemathesis"
    folder.mkdir(exist_ok=True)
    result = subprocess.run(
        [
            str(BIN / "st"),
            "run",
            f"http://127.0.0.1:{tutorial.port}/openapi.json",
            "--checks",
            "all",
            "--auth",
            "admin:correct horse battery staple",
            # Not the API: HTML forms for browsers, whose error pages are HTML.
            "--exclude-path-regex",
            "password-reset",
            "--max-examples",
            "20",
            "--workers",
            "1",
            "--seed",
            "20260101",
            "--request-timeout",
            "10",
        ],
        cwd=folder,
        env=tutorial.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_the_tutorial_runs_as_written(tmp_path: Path) -> None:
    tutorial = Tutorial(tmp_path)
    text = TUTORIAL.read_text(encoding="utf-8")
    ran = tutorial.play(text, "docs/tutorial.md", finally_=the_database_then_schemathesis)
    assert ran >= 15
