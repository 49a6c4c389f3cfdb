"""Trusted hosts: exact names, wildcards, ports, and malformed, missing or repeated Host."""

from __future__ import annotations

import pytest

from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.web import App, Request
from framework.web.middleware import TrustedHostMiddleware
from tests.web.raw import call_asgi


def hosts_app(*hosts: str, debug: bool = False) -> App:
    with settings.override(ALLOWED_HOSTS=list(hosts), DEBUG=debug):
        app = App()

    @app.get("/")
    async def index(request: Request) -> str:
        return "ok"

    return app


async def status_for(app: App, *host_values: bytes) -> int:
    headers = [(b"host", value) for value in host_values]
    return (await call_asgi(app, headers=headers)).status


@pytest.mark.parametrize(
    ("patterns", "host", "status"),
    [
        (("example.com",), b"example.com", 200),
        (("example.com",), b"EXAMPLE.com:8443", 200),
        (("example.com",), b"example.com.", 200),
        (("example.com",), b"evil.com", 400),
        (("example.com",), b"sub.example.com", 400),
        (("*.example.com",), b"api.example.com", 200),
        (("*.example.com",), b"example.com", 400),
        (("*.example.com",), b"evilexample.com", 400),
        ((".example.com",), b"example.com", 200),
        ((".example.com",), b"a.b.example.com", 200),
        (("[::1]",), b"[::1]:8000", 200),
        (("127.0.0.1",), b"127.0.0.1:8000", 200),
        (("*",), b"anything.test", 200),
    ],
)
async def test_allowed_hosts_patterns(patterns: tuple[str, ...], host: bytes, status: int) -> None:
    assert await status_for(hosts_app(*patterns), host) == status


@pytest.mark.parametrize(
    "host",
    [
        b"",
        b"exa mple.com",
        b"example.com/path",
        b"user@example.com",
        b"example.com:99999",
        b"[::zz]",
        b"example.com:port",
        b"a\x00b",
    ],
)
async def test_malformed_host_is_400_even_with_a_wildcard(host: bytes) -> None:
    assert await status_for(hosts_app("*"), host) == 400


async def test_two_host_headers_are_400() -> None:
    app = hosts_app("example.com")
    response = await call_asgi(app, headers=[(b"host", b"example.com"), (b"host", b"example.com")])
    assert response.status == 400
    assert response.body == b'{"detail":"Several Host headers were sent.","errors":[]}'


async def test_missing_host_is_400() -> None:
    response = await call_asgi(hosts_app("*"), headers=[])
    assert (response.status, response.body) == (
        400,
        b'{"detail":"Invalid Host header.","errors":[]}',
    )


async def test_refusal_message_hints_at_the_setting_only_in_debug() -> None:
    production = await call_asgi(hosts_app("example.com"), headers=[(b"host", b"evil.com")])
    debug = await call_asgi(hosts_app("example.com", debug=True), headers=[(b"host", b"evil.com")])
    assert production.body == b'{"detail":"Invalid Host header: \'evil.com\'.","errors":[]}'
    assert debug.body == (
        b'{"detail":"Invalid Host header: \'evil.com\'. You may need to add it to '
        b'ALLOWED_HOSTS.","errors":[]}'
    )


def test_bad_pattern_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured) as error:
        TrustedHostMiddleware(App(), ["exa*mple.com"])
    assert str(error.value) == (
        "ALLOWED_HOSTS entry 'exa*mple.com' is not a host name: use 'example.com', "
        "'*.example.com', '.example.com' or '*'."
    )
