"""The stored-files guide's examples run, in order, top-level ``await`` included."""

from __future__ import annotations

import ast
import asyncio
import re
from pathlib import Path

import pytest

from framework.conf import settings

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_storage_guide_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = BLOCK.findall((DOCS / "storage.md").read_text(encoding="utf-8"))
    assert len(blocks) == 4
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "docs_storage"}
    storages = {
        "default": {"BACKEND": "filesystem", "OPTIONS": {}},
        "archive": {"BACKEND": "filesystem", "OPTIONS": {"location": "archive"}},
    }
    with settings.override(BASE_DIR=tmp_path, STORAGES=storages):
        for number, block in enumerate(blocks, 1):
            code = compile(
                block,
                f"storage.md (example {number})",
                "exec",
                flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
                dont_inherit=True,
            )
            result = eval(code, namespace)  # the repository's own guide
            if asyncio.iscoroutine(result):
                asyncio.run(result)
    assert namespace["first"] == b"day,"
    assert not (tmp_path / "media" / "reports" / "2024.csv").exists()  # deleted at the end
