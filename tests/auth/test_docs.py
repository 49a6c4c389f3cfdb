"""The authentication guide's examples run: every ```python block of docs/auth.md, in order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from framework.conf import settings

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_auth_guide_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    blocks = BLOCK.findall((DOCS / "auth.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 8
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "docs_auth"}
    with settings.override(BASE_DIR=tmp_path):
        for number, block in enumerate(blocks, 1):
            exec(compile(block, f"auth.md (example {number})", "exec"), namespace)
    assert capsys.readouterr().out == "ann logged in\n"
