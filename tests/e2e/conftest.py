"""End-to-end fixtures: the web fixture project, and raw HTTP over a socket."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest

from tests.web.conftest import _isolated_registry, webproject

__all__ = ["_isolated_registry", "raw_http", "webproject"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test here as end-to-end."""
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


def raw_http(base_url: str, request: bytes, *, timeout: float = 5.0) -> tuple[int, bytes]:
    """Send *request* bytes as they are; return the status code and the whole response."""
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and _complete(b"".join(chunks)):
                break
    response = b"".join(chunks)
    status_line = response.split(b"\r\n", 1)[0]
    return int(status_line.split()[1]), response


def _complete(response: bytes) -> bool:
    head, _, body = response.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False
