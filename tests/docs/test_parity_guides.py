"""The examples of the single-file apps, media types and signing guides run as printed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from framework.conf import settings
from tests.support.standalone import fresh_settings

__all__ = ["fresh_settings"]

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


@pytest.mark.parametrize("guide", ["standalone.md", "media-types.md", "signing.md"])
def test_guide_examples_run(guide: str, fresh_settings: None) -> None:
    blocks = BLOCK.findall((DOCS / guide).read_text(encoding="utf-8"))
    assert blocks, f"{guide} has no runnable example"
    namespace: dict[str, object] = {"__name__": f"docs_{guide[:-3].replace('-', '_')}"}
    with settings.override(SECRET_KEY="docs-examples-secret-key-0123456789-abcdefghij"):
        for number, block in enumerate(blocks, 1):
            exec(compile(block, f"{guide} (example {number})", "exec"), namespace)
