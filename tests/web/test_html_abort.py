"""``html_abort(template, status, **context)``: stop a request with a rendered page."""

from __future__ import annotations

from pathlib import Path

from framework.conf import settings
from framework.testing import TestClient
from framework.web import App, HTMLAbort, HTTPException, Request, html_abort


def build(tmp_path: Path) -> App:
    (tmp_path / "gone.html").write_text(
        "<h1>{{ status_code }}: {{ title }} is gone</h1><a href=\"{{ url_for('home') }}\">home</a>"
    )
    with settings.override(TEMPLATES_DIRS=[str(tmp_path)], BASE_DIR=tmp_path):
        app = App()

    @app.get("/")
    async def home(request: Request) -> str:
        return "home"

    @app.get("/posts")
    async def post(request: Request) -> str:
        html_abort("gone.html", 410, title=request.query_params["t"])

    @app.error_handler(410)
    async def json_gone(request: Request, exc: HTTPException) -> dict[str, str]:
        return {"handled": "by the status handler"}

    return app


def test_the_template_is_rendered_with_the_status_and_context(tmp_path: Path) -> None:
    with TestClient(build(tmp_path)) as client:
        response = client.get(
            "/posts", params={"t": "<b>old</b>"}, headers={"Accept": "application/json"}
        )
    assert response.status_code == 410
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    # The chosen page wins over a handler of the status; the context is escaped.
    assert response.text == '<h1>410: &lt;b&gt;old&lt;/b&gt; is gone</h1><a href="/">home</a>'


def test_html_abort_is_an_http_exception() -> None:
    try:
        html_abort("x.html", 404, reason="none")
    except HTTPException as exc:
        assert isinstance(exc, HTMLAbort)
        assert (exc.status_code, exc.template, exc.context) == (404, "x.html", {"reason": "none"})
