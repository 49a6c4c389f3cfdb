"""The web guides' examples run: every ```python block of a guide, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from framework.conf import settings

DOCS = Path(__file__).resolve().parents[2] / "docs"
GUIDES = [
    "controllers.md",
    "requests-responses.md",
    "errors.md",
    "middleware.md",
    "sessions.md",
    "websockets.md",
    "sse.md",
    "broadcast.md",
    "templates-static.md",
    "background-tasks.md",
    "tasks.md",
    "testing.md",
    "architecture.md",
]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("guide", GUIDES)
def test_guide_examples_run(guide: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (DOCS / guide).read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    assert blocks, f"{guide} has no runnable example"
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{guide.replace('-', '_')[:-3]}"}
    # Examples that sign cookies need a key, as a project's settings would have.
    with settings.override(
        SECRET_KEY="docs-examples-secret-key-0123456789-abcdefghij", BASE_DIR=tmp_path
    ):
        for number, block in enumerate(blocks, 1):
            code = compile(block, f"{guide} (example {number})", "exec")
            exec(code, namespace)  # the examples are the repository's own guides
