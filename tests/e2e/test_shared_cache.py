"""Two ``serve`` processes (real uvicorn, two ports) sharing one Redis: cached pages, a rate
limit, the login throttle and Digest replay protection hold for the site, not per process;
Redis stopped under them degrades reads to misses and refuses logins, and both recover when
it is back, without a restart."""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.request import parse_http_list, parse_keqv_list

import httpx
import pytest

from tests.support.redisserver import _flush, private_redis_server

from .conftest import Server, free_port, start_server

REPO = Path(__file__).resolve().parents[2]
PROJECT = REPO / "tests" / "fixtures" / "cacheproject"
PASSWORD = "alice-password-123"


@pytest.fixture(scope="module")
def redis() -> Iterator[Any]:
    server = private_redis_server()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def servers(redis: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Server]]:
    folder = tmp_path_factory.mktemp("cacheproject")
    with (
        _serve(folder, redis.url) as first,
        _serve(folder, redis.url) as second,
    ):
        pids = {first.get("/pid").json()["pid"], second.get("/pid").json()["pid"]}
        assert len(pids) == 2
        yield [first, second]


def _serve(folder: Path, redis_url: str) -> Any:
    port = free_port()
    args = [sys.executable, str(PROJECT / "manage.py"), "serve", "--port", str(port)]
    return start_server(args, folder, port, PYTHONPATH=str(REPO), CACHEPROJECT_REDIS_URL=redis_url)


@pytest.fixture(autouse=True)
def empty_redis(redis: Any) -> None:
    _flush(redis.url)


def until(check: Any, deadline: float = 60.0) -> Any:
    """Call *check* until it returns something true; fail after *deadline* seconds."""
    end = time.monotonic() + deadline
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < end, "condition not met in time"
        time.sleep(0.1)  # polling a server from outside: nothing else to wait on


def test_a_page_cached_by_one_server_is_served_by_the_other(servers: list[Server]) -> None:
    first, second = servers
    # Behind a load balancer every server sees the site's Host (part of the page's key).
    site = {"Host": "localhost"}
    rendered = httpx.get(f"{first.url}/page", headers=site).json()["rendered_by"]
    other = httpx.get(f"{second.url}/page", headers=site)
    assert other.json()["rendered_by"] == rendered == first.get("/pid").json()["pid"]
    assert "age" in other.headers


def test_a_rate_limit_counts_requests_to_both_servers(servers: list[Server]) -> None:
    first, second = servers
    codes = [httpx.get(f"{server.url}/limited").status_code for server in servers * 2]
    assert codes == [200, 200, 200, 429]
    assert int(httpx.get(f"{first.url}/limited").headers["retry-after"]) >= 1
    assert second.url != first.url


def test_the_login_throttle_counts_failures_on_both_servers(servers: list[Server]) -> None:
    first, second = servers
    wrong = [
        httpx.get(f"{server.url}/basic", auth=("alice", "wrong")).status_code
        for server in (first, second, first)
    ]
    right = httpx.get(f"{second.url}/basic", auth=("alice", PASSWORD))
    assert wrong == [401, 401, 401]
    assert right.status_code == 429


def _digest_header(challenge: str, uri: str) -> str:
    params = parse_keqv_list(parse_http_list(challenge.partition(" ")[2]))
    ha1 = hashlib.md5(f"alice:{params['realm']}:{PASSWORD}".encode()).hexdigest()
    ha2 = hashlib.md5(f"GET:{uri}".encode()).hexdigest()
    answer = hashlib.md5(f"{ha1}:{params['nonce']}:00000001:c0ffee:auth:{ha2}".encode())
    return (
        f'Digest username="alice", realm="{params["realm"]}", nonce="{params["nonce"]}", '
        f'uri="{uri}", qop=auth, nc=00000001, cnonce="c0ffee", '
        f'response="{answer.hexdigest()}", opaque="{params["opaque"]}", algorithm=MD5'
    )


def test_a_digest_request_replayed_to_the_other_server_is_refused(
    servers: list[Server],
) -> None:
    first, second = servers
    challenge = httpx.get(f"{first.url}/digest").headers["www-authenticate"]
    header = {"Authorization": _digest_header(challenge, "/digest")}
    assert httpx.get(f"{first.url}/digest", headers=header).json() == {"user": "alice"}
    assert httpx.get(f"{second.url}/digest", headers=header).status_code == 401


def test_redis_stopped_and_restarted_under_the_servers(servers: list[Server], redis: Any) -> None:
    first, second = servers
    assert httpx.get(f"{first.url}/value").json()["hit"] is False
    assert httpx.get(f"{second.url}/value").json()["hit"] is True
    redis.stop()
    try:
        outage = [httpx.get(f"{server.url}/value", timeout=30) for server in servers]
        assert [r.status_code for r in outage] == [200, 200]
        assert [r.json()["hit"] for r in outage] == [False, False]  # reads degrade to misses
        assert httpx.get(f"{first.url}/page", timeout=30).status_code == 200
        login = httpx.get(f"{second.url}/basic", auth=("alice", PASSWORD), timeout=30)
        assert login.status_code == 503  # the login throttle fails closed
        assert httpx.get(f"{first.url}/limited", timeout=30).status_code == 503
    finally:
        redis.start()
    # Back without restarting either server: values are stored and read again...
    until(lambda: httpx.get(f"{first.url}/value", timeout=30).json()["hit"])
    assert httpx.get(f"{second.url}/value", timeout=30).json()["hit"] is True
    # ...and logins go through.
    ok = until(
        lambda: (
            httpx.get(f"{second.url}/basic", auth=("alice", PASSWORD), timeout=30).status_code
            == 200
        )
    )
    assert ok
    assert "is available again" in first.output() + second.output()
