"""The PostgreSQL test server leaves what is needed to diagnose a failure.

``scripts/pgcluster.py run`` keeps the server's folder and prints the end of its log when the
command fails (and deletes it when the command succeeds); the ``postgres_watch`` plugin stops
a run whose server died, with a message naming the server and its log.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.databases import REPO, _pgcluster

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

REPORT_LOG = "import os, sys; print(os.environ['FRAMEWORK_TEST_POSTGRES_LOG']); sys.exit({})"


def run_with_cluster(exit_code: int) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run a command that prints the server's log path and exits *exit_code*, in ``run``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FRAMEWORK_")}
    result = subprocess.run(
        [
            sys.executable,
            "scripts/pgcluster.py",
            "run",
            "--",
            sys.executable,
            "-c",
            REPORT_LOG.format(exit_code),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result, Path(result.stdout.strip())


def test_a_failed_run_keeps_the_server_folder_and_prints_the_log_tail() -> None:
    result, log = run_with_cluster(3)
    try:
        assert result.returncode == 3, result.stderr
        assert log.name == "server.log" and log.is_file()
        assert f"its log and data are kept in {log.parent}" in result.stderr
        tail = result.stderr.split("---\n", 1)[1]
        assert tail.splitlines()[-2] == log.read_text().splitlines()[-1]  # the log's last line
    finally:
        shutil.rmtree(log.parent, ignore_errors=True)


def test_a_successful_run_deletes_the_server_folder() -> None:
    result, log = run_with_cluster(0)
    assert result.returncode == 0, result.stderr
    assert log.name == "server.log" and not log.parent.exists()
    assert "kept" not in result.stderr


INNER_TESTS = """
import os
import signal
from pathlib import Path

from tests.support.databases import postgres_server_url


def test_the_server_dies():
    assert postgres_server_url()
    pid = int(Path(os.environ["TEST_POSTMASTER_PID"]).read_text().split()[0])
    os.kill(pid, signal.SIGKILL)


def test_needs_the_server():
    import asyncio

    import asyncpg

    dsn = postgres_server_url().replace("postgresql+asyncpg://", "postgresql://")
    asyncio.run(asyncpg.connect(dsn, timeout=30))


def test_never_runs():
    pass
"""


def test_the_run_stops_when_the_server_dies(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster = _pgcluster().start_cluster()
    try:
        monkeypatch.setenv("FRAMEWORK_TEST_POSTGRES_URL", cluster.url)
        monkeypatch.setenv("FRAMEWORK_TEST_POSTGRES_LOG", str(cluster.log))
        monkeypatch.setenv("TEST_POSTMASTER_PID", str(cluster.folder / "data" / "postmaster.pid"))
        monkeypatch.setenv("PYTHONPATH", str(REPO))
        pytester.makepyfile(test_inner=INNER_TESTS)
        result = pytester.runpytest_subprocess("-p", "tests.support.postgres_watch")
    finally:
        cluster.stop()
    result.assert_outcomes(passed=1, failed=1)
    port = cluster.url.rsplit(":", 1)[1].split("/")[0]
    result.stdout.fnmatch_lines(
        [
            f"*Interrupted: The PostgreSQL test server at 127.0.0.1:{port} is gone (*): "
            f"stopping the run, since every later database test would fail too; "
            f"its log: {cluster.log}*"
        ]
    )
    assert "test_never_runs" not in result.stdout.str()
