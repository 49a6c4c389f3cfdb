"""Open redirects: only paths of this site (or its own host) are followed."""

from __future__ import annotations

import pytest

from framework.auth import is_safe_url

HOST = ["testserver"]


@pytest.mark.parametrize(
    "url",
    [
        "//evil.com",
        "///evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "\\/evil.com",
        "https://evil.com",
        "https:evil.com",
        "http:/evil.com",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "/\t/evil.com",
        "/\n/evil.com",
        "http://testserver.evil.com/",
        "",
        None,
    ],
)
def test_unsafe_targets(url) -> None:
    assert not is_safe_url(url, HOST)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/dashboard",
        "/a/b?next=//evil.com",
        "dashboard",
        "https://testserver/x",
        "//testserver/y",
    ],
)
def test_safe_targets(url: str) -> None:
    assert is_safe_url(url, HOST)
