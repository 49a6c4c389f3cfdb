"""Stop the test run early when the PostgreSQL test server dies, saying so.

Without this, every later test that needs the server fails on its own, slowly, and the one
line that matters (the server is gone, and why) is lost among hundreds of connection errors.
After each failed test, this plugin checks that the server still accepts connections; when
it does not, the run stops with a message naming the server and its log. When the run
fails, a server the tests started themselves keeps its folder and prints the end of its log
(``scripts/pgcluster.py run`` does the same for the server it starts).
"""

from __future__ import annotations

import socket
import sys
from urllib.parse import urlsplit

import pytest

__all__ = ["server_gone"]

_session: pytest.Session | None = None


def server_gone(url: str, log: str | None) -> str | None:
    """Return why the server at *url* is unusable (a message naming its log), or None."""
    address = urlsplit(url.replace("postgresql+asyncpg://", "postgresql://"))
    host, port = address.hostname or "127.0.0.1", address.port or 5432
    try:
        with socket.create_connection((host, port), timeout=10):
            return None
    except OSError as exc:
        where = f"; its log: {log}" if log else ""
        return (
            f"The PostgreSQL test server at {host}:{port} is gone ({exc.strerror or exc}): "
            f"stopping the run, since every later database test would fail too{where}"
        )


def pytest_sessionstart(session: pytest.Session) -> None:
    global _session
    _session = session


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    # Every test that uses the server gets it through tests.support.databases.
    databases = sys.modules.get("tests.support.databases")
    if not report.failed or databases is None or _session is None or _session.shouldstop:
        return
    server = databases.postgres_server_in_use()
    message = server_gone(*server) if server is not None else None
    if message is not None:
        _session.shouldstop = message


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    databases = sys.modules.get("tests.support.databases")
    if databases is not None:
        databases.keep_server_files = exitstatus != 0
