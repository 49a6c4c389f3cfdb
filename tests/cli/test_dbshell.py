"""``dbshell``: the database's own client, connected to the alias, fed from stdin."""

from __future__ import annotations

import subprocess
import sys

import pytest

from framework.cli.dbclient import client_command
from framework.conf import settings
from framework.exceptions import CommandError
from tests.support.fixtures import *  # noqa: F403
from tests.support.inspection import tables


def run_dbshell(databases: dict[str, str], sql: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``manage.py dbshell`` in a subprocess with the test databases, *sql* on stdin."""
    import os

    from framework.conf import ENVIRONMENT_VARIABLE

    env = {**os.environ, "DATABASE_URL": databases["default"]}
    env[ENVIRONMENT_VARIABLE] = os.environ[ENVIRONMENT_VARIABLE]
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    return subprocess.run(
        [sys.executable, "-m", "framework", "dbshell", *args],
        input=sql,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_dbshell_runs_the_backend_client_on_the_alias(
    migrated: dict[str, str], backend: str
) -> None:
    result = run_dbshell(migrated, "SELECT count(*) FROM catalog_category;\n")
    assert result.returncode == 0, result.stderr
    assert "0" in result.stdout
    assert "catalog_category" in tables()


def test_dbshell_passes_the_client_status_through(migrated: dict[str, str], backend: str) -> None:
    flag = "-bail" if backend == "sqlite" else "--set=ON_ERROR_STOP=1"
    result = run_dbshell(migrated, "SELECT * FROM no_such_table;\n", "--", flag)
    assert result.returncode != 0
    assert "no_such_table" in result.stderr


def test_postgres_password_goes_through_the_environment(dbproject: None) -> None:
    url = "postgresql+asyncpg://alice:s3cret@db.internal:6543/shop"
    with settings.override(DATABASES={"default": url}):
        argv, env = client_command("default", ["-c", "select 1"])
    assert argv == [
        "psql",
        "-h",
        "db.internal",
        "-p",
        "6543",
        "-U",
        "alice",
        "-c",
        "select 1",
        "shop",
    ]
    assert env == {"PGPASSWORD": "s3cret"}


def test_in_memory_sqlite_is_refused(dbproject: None) -> None:
    memory = {"default": "sqlite+aiosqlite:///:memory:"}
    with (
        settings.override(DATABASES=memory),
        pytest.raises(CommandError, match="in-memory SQLite database: no shell can open it"),
    ):
        client_command("default")


def test_a_missing_client_is_one_line(dbproject: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from framework.cli import call_command

    monkeypatch.setenv("PATH", "")
    with pytest.raises(CommandError, match="The 'sqlite3' program is not installed or not on"):
        call_command("dbshell")
