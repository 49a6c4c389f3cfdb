"""Error pages negotiate ``Accept`` (q-values, case, wildcards) and say ``Vary: Accept``."""

from __future__ import annotations

import pytest

from framework.testing import TestClient
from framework.web import App, Request, abort
from framework.web.negotiation import prefers_html, quality

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "html"),
    [
        (BROWSER, True),
        ("text/html", True),
        ("TEXT/HTML", True),
        ("Text/Html; Q=1", True),
        ("text/*", True),
        ("text/html,*/*", True),
        ("*/*;q=0.5, text/html", True),
        ("text/html, application/json;q=0.9", True),
        ("", False),
        ("*/*", False),
        ("application/json", False),
        ("application/*", False),
        ("text/html, application/json", False),
        ("application/json, text/html", False),
        ("text/html;q=0.5, application/json", False),
        ("text/html;q=0", False),
        ("text/html;q=0, */*", False),
        ("text/*, application/json", False),
        ("text/html;q=abc", False),
        ("garbage, ;;;, /", False),
    ],
)
def test_html_only_when_preferred_to_json(accept: str, html: bool) -> None:
    assert prefers_html(accept) is html


def test_the_most_specific_range_gives_the_quality() -> None:
    accept = "text/*;q=0.3, text/html;q=0.7, */*;q=0.1"
    assert quality(accept, "text/html") == 0.7
    assert quality(accept, "text/plain") == 0.3
    assert quality(accept, "application/json") == 0.1
    assert quality("image/png", "application/json") == 0.0


def test_a_huge_accept_header_is_parsed_in_bounded_time() -> None:
    assert prefers_html("application/json;q=0.1," * 10_000 + "text/html") is False


def app() -> App:
    application = App()

    @application.get("/missing")
    async def missing(request: Request) -> None:
        abort(404, detail="No such post.")

    @application.get("/page", html=True)
    async def page(request: Request) -> None:
        abort(403)

    return application


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        (BROWSER, "text/html; charset=utf-8"),
        ("text/html, application/json;q=0.9", "text/html; charset=utf-8"),
        ("application/json, text/html;q=0.9", "application/json"),
        ("*/*", "application/json"),
        ("text/html;q=0.1, application/json", "application/json"),
    ],
)
def test_error_format_follows_the_preference_and_varies_on_accept(
    accept: str, content_type: str
) -> None:
    with TestClient(app()) as client:
        response = client.get("/missing", headers={"accept": accept})
    assert response.status_code == 404
    assert response.headers["content-type"] == content_type
    assert response.headers["vary"] == "Accept"


def test_unknown_paths_and_methods_vary_on_accept_too() -> None:
    with TestClient(app()) as client:
        unknown = client.get("/nowhere")
        wrong_method = client.post("/missing")
    assert unknown.headers["vary"] == "Accept"
    assert (wrong_method.status_code, wrong_method.headers["vary"]) == (405, "Accept")
    assert wrong_method.headers["allow"] == "GET, HEAD"


def test_a_route_that_fixes_the_format_does_not_vary() -> None:
    with TestClient(app()) as client:
        response = client.get("/page", headers={"accept": "application/json"})
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "vary" not in response.headers
