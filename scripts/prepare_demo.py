"""Prepare the demo project for `make run`: a local .env with a fresh key, then the database."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = ROOT / "example" / ".env"


def main() -> None:
    if not ENV_FILE.exists():
        ENV_FILE.write_text(
            "# Written by scripts/prepare_demo.py for local development; not committed.\n"
            f"SECRET_KEY={secrets.token_urlsafe(50)}\nDEBUG=true\n",
            encoding="utf-8",
        )
        print(f"Wrote {ENV_FILE.relative_to(ROOT)}")
    subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
