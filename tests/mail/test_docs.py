"""The mail guide's examples run: every ```python block of docs/mail.md, in order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from framework.conf import settings

DOCS = Path(__file__).resolve().parents[2] / "docs"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
SETTINGS_BLOCK = "EMAIL_BACKEND = "


def test_mail_guide_examples_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (DOCS / "mail.md").read_text(encoding="utf-8")
    templates = tmp_path / "templates" / "blog" / "email"
    templates.mkdir(parents=True)
    body = re.search(r"```text\n(.*?)```", text, re.DOTALL)
    assert body is not None
    (templates / "welcome.txt").write_text(body.group(1))
    (templates / "welcome_subject.txt").write_text("Welcome to {{ blog }}, {{ user }}\n")
    namespace: dict[str, object] = {"__name__": "docs_mail"}
    overrides = {"EMAIL_BACKEND": "locmem", "BASE_DIR": tmp_path, "TEMPLATES_DIRS": ["templates"]}
    blocks = BLOCK.findall(text)
    assert len(blocks) >= 6
    with settings.override(**overrides):
        for number, block in enumerate(blocks, 1):
            if block.startswith(SETTINGS_BLOCK):
                compile(block, f"mail.md (example {number})", "exec")  # settings: valid Python
                continue
            exec(compile(block, f"mail.md (example {number})", "exec"), namespace)
    assert capsys.readouterr().out.startswith("Header values cannot contain line breaks")
