"""Run the first ```python block under a heading of a docs page as a script, as a user would."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

__all__ = ["run_doc_script"]

DOCS = Path(__file__).resolve().parents[2] / "docs"


def run_doc_script(page: str, heading: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """Write the block after *heading* on docs/*page* into *folder* and run it (-W error)."""
    section = (DOCS / page).read_text(encoding="utf-8").split(heading, 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert code is not None, f"no python block after {heading!r} in {page}"
    script = folder / "script.py"
    script.write_text(code.group(1), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
