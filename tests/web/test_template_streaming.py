"""``render_stream`` (Jinja's ``generate()``) and ``TEMPLATES_STRICT``."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from framework.conf import settings
from framework.testing import TestClient
from framework.web import App, Request, render, render_stream


def build(tmp_path: Path, **overrides: object) -> App:
    (tmp_path / "list.html").write_text(
        "<ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul>"
    )
    (tmp_path / "hello.html").write_text("Hello {{ name }}!")
    with settings.override(TEMPLATES_DIRS=[str(tmp_path)], BASE_DIR=tmp_path, **overrides):
        app = App()

    @app.get("/list")
    async def listing(request: Request) -> object:
        return render_stream(request, "list.html", {"items": ["<a>", "b"]})

    @app.get("/hello")
    async def hello(request: Request) -> object:
        return render(request, "hello.html")

    return app


def test_a_streamed_page_arrives_in_pieces(tmp_path: Path) -> None:
    with TestClient(build(tmp_path)) as client, client.stream("GET", "/list") as response:
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "content-length" not in response.headers
        pieces = list(response.iter_raw())
    assert b"".join(pieces) == b"<ul><li>&lt;a&gt;</li><li>b</li></ul>"


def test_undefined_variables_are_empty_unless_strict(tmp_path: Path) -> None:
    with TestClient(build(tmp_path)) as client:
        assert client.get("/hello").text == "Hello !"
    strict = build(tmp_path, TEMPLATES_STRICT=True)
    with (
        TestClient(strict) as client,
        pytest.raises(jinja2.UndefinedError, match="'name' is undefined"),
    ):
        client.get("/hello")
