"""The validation, serialization, uploads and OpenAPI guides' examples run, in order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from framework.conf import settings

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDES = ["validation.md", "serialization.md", "uploads.md", "openapi.md"]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("guide", GUIDES)
def test_guide_examples_run(guide: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = BLOCK.findall((DOCS / guide).read_text(encoding="utf-8"))
    assert blocks, f"{guide} has no runnable example"
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{guide[:-3]}"}
    with settings.override(BASE_DIR=tmp_path):
        for number, block in enumerate(blocks, 1):
            code = compile(block, f"{guide} (example {number})", "exec", dont_inherit=True)
            exec(code, namespace)  # the repository's own guides
