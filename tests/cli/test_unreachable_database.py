"""A database that cannot be reached ends every command that needs it in one line, exit 1."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from framework.apps import apps
from framework.cli.app import cli
from tests.e2e.conftest import clean_environ, free_port
from tests.support.databases import postgres_url

COMMANDS = [
    ["db-upgrade"],
    ["db-downgrade", "base"],
    ["db-stamp", "heads"],
    ["db-current"],
    ["db-history"],
    ["db-plan"],
    ["db-check"],
    ["db-migrate"],
    ["dumpdata"],
    ["flush", "--noinput"],
    ["inspectdb"],
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("unreachable")
    subprocess.run(
        [sys.executable, "-m", "framework", "startproject", "lostsite"],
        cwd=root,
        env=clean_environ(),
        check=True,
        capture_output=True,
    )
    return root / "lostsite"


def manage(project: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=project,
        env=clean_environ(DATABASE_URL=url),
        capture_output=True,
        text=True,
        timeout=120,
    )


REFUSED = (
    "Check DATABASES (or DATABASE_URL) and that the database server is running and reachable.\n"
)


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(args) for args in COMMANDS])
def test_a_refused_connection_is_one_line(make_settings_module, args: list[str]) -> None:
    url = f"postgresql+asyncpg://someone:secret@127.0.0.1:{free_port()}/shop"
    make_settings_module(
        'SECRET_KEY = "unreachable-test-key-0123456789-abcdefghijklmnopqrstuvwxyz"\n'
        'INSTALLED_APPS = ["framework.contrib.auth"]\n'
        f"DATABASES = {{'default': {url!r}}}\n"
    )
    apps.reset()
    result = CliRunner().invoke(cli, args, prog_name="manage.py")
    apps.reset()
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: Cannot connect to the database: ConnectionRefused")
    assert result.stderr.endswith(REFUSED)
    assert result.stderr.count("\n") == 1


def test_in_a_subprocess_too(project: Path) -> None:
    url = f"postgresql+asyncpg://someone:secret@127.0.0.1:{free_port()}/shop"
    result = manage(project, url, "db-upgrade")
    assert result.returncode == 1
    assert result.stderr.startswith("Error: Cannot connect to the database: ConnectionRefused")
    assert result.stderr.endswith(REFUSED) and "Traceback" not in result.stderr


@pytest.mark.postgres
def test_a_missing_postgres_database_is_one_line(project: Path) -> None:
    result = manage(project, postgres_url("no_such_database_here"), "db-upgrade")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "Error: Cannot connect to the database: InvalidCatalogNameError: database "
        '"no_such_database_here" does not exist.'
    )


def test_runserver_warns_in_one_line_and_serve_refuses_a_busy_port(project: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        url = f"postgresql+asyncpg://someone:secret@127.0.0.1:{free_port()}/shop"
        served = manage(project, url, "serve", "--debug", "--port", str(port))
        ran = manage(project, url, "runserver", str(port))
    expected = [
        "Warning: Could not check for unapplied migrations: ConnectionRefusedError: [Errno "
        f"111] Connect call failed ('127.0.0.1', {url.split(':')[3].split('/')[0]})",
        f"Error: Cannot listen on 127.0.0.1:{port}: Address already in use.",
    ]
    assert ran.returncode == 1
    assert ran.stderr.splitlines() == expected
    assert served.returncode == 1
    assert served.stderr.splitlines() == expected


#: A SQLite file that cannot be opened: aiosqlite stops its worker thread without waiting for
#: it, and a thread that outlived the command's event loop printed "Exception in thread ...
#: Event loop is closed" around the error in most runs; so each command runs several times.
MISSING_FILE_RUNS = 5


@pytest.mark.parametrize("args", [["flush", "--noinput"], ["inspectdb"]], ids=" ".join)
def test_a_missing_sqlite_file_is_one_line_without_a_thread_traceback(
    project: Path, args: list[str]
) -> None:
    url = f"sqlite+aiosqlite:///{project / 'no_such_folder' / 'db.sqlite3'}"
    runs = [
        subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=project,
            env=clean_environ(DATABASE_URL=url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(MISSING_FILE_RUNS)
    ]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 1, stderr
        assert "Traceback" not in stderr and "Exception in thread" not in stderr, stderr
        assert stderr == (
            "Error: Cannot connect to the database: the SQLite file cannot be opened (unable to "
            "open database file). Check DATABASES (or DATABASE_URL) and that the database server "
            "is running and reachable.\n"
        )
