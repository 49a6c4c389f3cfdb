"""The examples of docs/cache.md run: every ```python block, in order, in one namespace."""

from __future__ import annotations

import re
from pathlib import Path

from framework.conf import settings

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "cache.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_the_cache_guide_examples_run() -> None:
    blocks = BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    assert len(blocks) >= 6
    namespace: dict[str, object] = {"__name__": "docs_cache"}
    settings.configure(SECRET_KEY="docs-cache-secret-key-0123456789-abcdefghij")
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"cache.md (example {number})", "exec"), namespace)
