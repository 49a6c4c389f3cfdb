"""Prepare the demo project for `make run`, then print the URLs to try.

Steps: a local .env with a fresh key (once), the system checks, the database migrated, a demo
user to log in with, sample products. The URLs are printed last, so they show just above the
development server's banner.

Usage: ``python scripts/prepare_demo.py [ADDR:PORT]`` (default ``127.0.0.1:8000``, the address
``runserver`` is given). The .env file is FRAMEWORK_ENV_FILE when set, as for the framework
itself, else ``example/.env``.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ADDRESS = "127.0.0.1:8000"
#: The demo account (development only: the demo database lives in example/db.sqlite3).
DEMO_USER = "demo"
DEMO_PASSWORD = "demo-orchard-velvet"


def env_file() -> Path:
    """Return the .env file the framework will read for the demo project."""
    return Path(os.environ.get("FRAMEWORK_ENV_FILE") or ROOT / "example" / ".env")


def write_env_file(path: Path) -> None:
    """Write a development .env with a fresh SECRET_KEY, unless one exists already."""
    if path.exists():
        return
    path.write_text(
        "# Written by scripts/prepare_demo.py for local development; not committed.\n"
        f"SECRET_KEY={secrets.token_urlsafe(50)}\nDEBUG=true\n",
        encoding="utf-8",
    )
    print(f"Wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``manage.py ARGS`` with this interpreter and return its result (output captured)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )


def run_or_exit(*args: str) -> None:
    """Run ``manage.py ARGS``, showing its output; stop here if it fails."""
    result = manage(*args)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        sys.exit(result.returncode)


def create_demo_user() -> None:
    """Create the demo superuser; one left by an earlier run is kept as it is."""
    created = manage(
        "createsuperuser",
        "--noinput",
        "--username",
        DEMO_USER,
        FRAMEWORK_SUPERUSER_PASSWORD=DEMO_PASSWORD,
    )
    if created.returncode != 0 and "already exists" not in created.stderr:
        sys.exit(created.stderr)


def base_url(address: str) -> str:
    """Return the URL a browser on this machine uses for the server at *address*."""
    host, _, port = address.rpartition(":")
    if not host:
        host, port = "127.0.0.1", address
    if host in ("0.0.0.0", "[::]"):
        host = "127.0.0.1"  # the server listens everywhere; this machine reaches it here
    return f"http://{host}:{port}"


def python_command() -> str:
    """Return how to run this interpreter from the repository root (``.venv/bin/python``)."""
    executable = Path(sys.executable)
    if executable.is_relative_to(ROOT):
        return str(executable.relative_to(ROOT))
    return str(executable)


def urls_to_try(address: str) -> str:
    """Return the text that tells a newcomer what to open, and how to call the token API."""
    url = base_url(address)
    python = python_command()
    return f"""
The demo is ready. Try:
  Home page        {url}/
  API docs         {url}/docs   (ReDoc: /redoc, the OpenAPI document: /openapi.json)
  Log in           {url}/login  as {DEMO_USER!r} with the password {DEMO_PASSWORD!r}
  Admin            {url}/admin/  (the same login: products, reviews, users, tokens, the log)
  Real time        {url}/live   (a WebSocket echo and a Server-Sent Events counter)
  GraphQL          {url}/graphql   (GraphiQL; try {{ products {{ name reviews {{ rating }} }} }})
  Token API        TOKEN=$({python} manage.py users token create {DEMO_USER})
                   curl -H "Authorization: Bearer $TOKEN" {url}/api/me
  Sample products  {python} manage.py store-seed
"""


def main(argv: list[str]) -> None:
    """Prepare the demo for ``runserver ARGV[0]`` and print the URLs to try."""
    address = argv[0] if argv else DEFAULT_ADDRESS
    write_env_file(env_file())
    run_or_exit("check")
    run_or_exit("db-upgrade")
    create_demo_user()
    run_or_exit("store-seed")
    print(urls_to_try(address), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
