"""Prepare the demo project for `make run`: a local .env with a fresh key, then the database
(migrated) and a demo user to log in with."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_FILE = ROOT / "example" / ".env"
#: The demo account (development only: the demo database lives in example/db.sqlite3).
DEMO_USER = "demo"
DEMO_PASSWORD = "demo-orchard-velvet"


def main() -> None:
    if not ENV_FILE.exists():
        ENV_FILE.write_text(
            "# Written by scripts/prepare_demo.py for local development; not committed.\n"
            f"SECRET_KEY={secrets.token_urlsafe(50)}\nDEBUG=true\n",
            encoding="utf-8",
        )
        print(f"Wrote {ENV_FILE.relative_to(ROOT)}")
    subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, check=True)
    subprocess.run([sys.executable, "manage.py", "db-upgrade"], cwd=ROOT, check=True)
    created = subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput", "--username", DEMO_USER],
        cwd=ROOT,
        env={**os.environ, "FRAMEWORK_SUPERUSER_PASSWORD": DEMO_PASSWORD},
        capture_output=True,
        text=True,
    )
    if created.returncode != 0 and "already exists" not in created.stderr:
        sys.exit(created.stderr)
    print(f"Log in at /login as {DEMO_USER!r} with the password {DEMO_PASSWORD!r}.")


if __name__ == "__main__":
    main()
