"""A real S3-compatible server (moto in server mode) for the tests.

The server comes from ``FRAMEWORK_TEST_S3_URL`` (``make pytest`` starts one with
``scripts/s3server.py``) or is started here on first use and stopped when the tests end.
Each call of :func:`s3_bucket` creates a new, empty bucket, so tests never see each other's
files.
"""

from __future__ import annotations

import atexit
import importlib.util
import itertools
import os
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
_server_url: str | None = None
_numbers = itertools.count(1)


def _s3server() -> ModuleType:
    spec = importlib.util.spec_from_file_location("s3server", REPO / "scripts" / "s3server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["s3server"] = module
    spec.loader.exec_module(module)
    return module


def s3_server_url() -> str:
    """Return the endpoint URL of the shared test server, starting one if needed."""
    global _server_url
    if _server_url is None:
        s3server = _s3server()
        url = os.environ.get(s3server.ENVIRONMENT_VARIABLE)
        if not url:
            server = s3server.start_server()
            atexit.register(server.close)
            url = server.url
        _server_url = url
    return _server_url


def s3_bucket() -> str:
    """Create a new empty bucket on the test server and return its name."""
    name = f"fwtest-{os.getpid()}-{next(_numbers)}"
    _s3server().create_bucket(s3_server_url(), name)
    return name


def s3_storage_options(bucket: str) -> dict[str, str]:
    """Return STORAGES OPTIONS for *bucket* on the test server."""
    return {
        "endpoint_url": s3_server_url(),
        "bucket": bucket,
        "access_key": "testing",
        "secret_key": "testing",
        "region": "us-east-1",
    }
