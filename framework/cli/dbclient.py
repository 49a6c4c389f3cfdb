"""Run a database's own command-line client (``dbshell``): sqlite3 or psql for an alias."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence

from framework.exceptions import CommandError

__all__ = ["client_command", "run_client"]

_PACKAGES = {"sqlite3": "sqlite3", "psql": "postgresql-client"}


def client_command(alias: str, parameters: Sequence[str] = ()) -> tuple[list[str], dict[str, str]]:
    """Return the argv and extra environment that open a shell on database *alias*.

    The password of a PostgreSQL URL goes through ``PGPASSWORD``, never the argv (which
    other users can read in the process list).
    """
    from framework.db import engines

    config = engines.config(alias)
    if config.is_sqlite:
        path = config.sqlite_path
        if path is None:
            raise CommandError(
                f"Database {alias!r} is an in-memory SQLite database: no shell can open it."
            )
        return ["sqlite3", str(path), *parameters], {}
    url = config.url
    argv = ["psql"]
    for flag, value in (("-h", url.host), ("-p", url.port), ("-U", url.username)):
        if value:
            argv += [flag, str(value)]
    argv += [*parameters, url.database or "postgres"]
    return argv, {"PGPASSWORD": url.password} if url.password else {}


def run_client(alias: str, parameters: Sequence[str] = ()) -> int:
    """Run the client of *alias* attached to this terminal; return its exit status."""
    argv, extra = client_command(alias, parameters)
    if shutil.which(argv[0]) is None:
        raise CommandError(
            f"The {argv[0]!r} program is not installed or not on PATH; install it "
            f"(e.g. 'apt-get install {_PACKAGES[argv[0]]}') to use dbshell."
        )
    return subprocess.call(argv, env={**os.environ, **extra})
