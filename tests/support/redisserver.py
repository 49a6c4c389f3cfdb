"""A real Redis server for the tests.

The shared server comes from ``FRAMEWORK_TEST_REDIS_URL`` (``make pytest`` starts one with
``scripts/redisserver.py``) or is started here on first use and stopped when the tests end.
Tests that need a database of their own take :func:`redis_database_url` (a distinct database
number per call, flushed first); fault tests that stop and restart Redis under a running
application start a private server with :func:`private_redis_server` and close it themselves.
"""

from __future__ import annotations

import atexit
import importlib.util
import itertools
import os
import socket
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[2]
#: Redis has 16 databases by default; database 0 is left to ad-hoc use.
_numbers = itertools.cycle(range(1, 16))
_server_url: str | None = None


def _redisserver() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "redisserver", REPO / "scripts" / "redisserver.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["redisserver"] = module
    spec.loader.exec_module(module)
    return module


def redis_server_url() -> str:
    """Return the URL of the shared test server (database 0), starting one if needed."""
    global _server_url
    if _server_url is None:
        redisserver = _redisserver()
        url = os.environ.get(redisserver.ENVIRONMENT_VARIABLE)
        if not url:
            server = redisserver.start_server()
            atexit.register(server.close)
            url = server.url
        _server_url = url
    return _server_url


def _flush(url: str) -> None:
    host_port, number = url.removeprefix("redis://").split("/", 1)
    host, port = host_port.rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(f"SELECT {number}\r\nFLUSHDB\r\n".encode())
        received = b""
        while received.count(b"\r\n") < 2:
            chunk = connection.recv(64)
            if not chunk:
                break
            received += chunk


def redis_database_url() -> str:
    """Return the URL of an emptied database on the shared server, for one test."""
    base = redis_server_url().rsplit("/", 1)[0]
    url = f"{base}/{next(_numbers)}"
    _flush(url)
    return url


def private_redis_server() -> Any:
    """Start a Redis server of the caller's own (``.url``, ``.restart()``, ``.close()``)."""
    return _redisserver().start_server()
