"""A SQLite file that cannot be opened ends a command in its one line, with no thread traceback.

aiosqlite stops its worker thread after a failed connect without waiting for it; if the
command's event loop closed first, the thread printed "Exception in thread ... Event loop is
closed" around the error. The race is lost in most runs, so each command runs several times.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import clean_environ

RUNS = 5


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("missing_sqlite")
    subprocess.run(
        [sys.executable, "-m", "framework", "startproject", "nofilesite"],
        cwd=root,
        env=clean_environ(),
        check=True,
        capture_output=True,
    )
    return root / "nofilesite"


@pytest.mark.parametrize("args", [["flush", "--noinput"], ["inspectdb"]], ids=" ".join)
def test_no_thread_traceback_around_the_error(project: Path, args: list[str]) -> None:
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
        for _ in range(RUNS)
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
