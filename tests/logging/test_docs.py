"""The logging guide's examples run: every ```python block of docs/logging.md, in order."""

from __future__ import annotations

import re
from pathlib import Path

from framework.conf import settings
from framework.logging import logging_config

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)


def test_logging_guide_examples_run() -> None:
    blocks = BLOCK.findall((DOCS / "logging.md").read_text(encoding="utf-8"))
    assert len(blocks) == 3
    namespace: dict[str, object] = {"__name__": "docs_logging"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"logging.md (example {number})", "exec"), namespace)
    # The settings example gives the configuration it describes.
    with settings.override(
        LOG_LEVEL=namespace["LOG_LEVEL"],
        LOG_FORMAT=namespace["LOG_FORMAT"],
        LOGGING=namespace["LOGGING"],
    ):
        config = logging_config()
    assert config["handlers"]["file"]["filters"] == ["request_id", "secrets"]
    assert config["handlers"]["console"]["formatter"] == "json"
    assert config["root"] == {"handlers": ["console", "file"], "level": "WARNING"}
    assert config["loggers"]["uvicorn.access"] == {"level": "WARNING"}
