"""docs/json-api.md is true: its marked commands and files run, in order, like the tutorial."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.tutorial import Tutorial

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "json-api.md"

pytestmark = pytest.mark.e2e


def test_the_json_api_guide_runs_as_written(tmp_path: Path) -> None:
    ran = Tutorial(tmp_path).play(GUIDE.read_text(encoding="utf-8"), "docs/json-api.md")
    assert ran >= 9
    assert (tmp_path / "shop" / "catalog" / "fixtures" / "sample.json").is_file()
