"""Templates: render() with request, url_for and static; autoescape; project before apps."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.testing import TestClient
from framework.web import App, Request, Templates, get_asgi_application, render
from framework.web.templates import static_url


def test_render_in_a_project(webproject: object) -> None:
    with TestClient(get_asgi_application()) as client:
        response = client.get("/posts/page", params={"t": "Hello"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == (
        "<title>Hello</title>\n"
        '<link href="/static/blogapp/app.css">\n'
        '<a href="/posts/7">/posts/page</a>'
    )


@pytest.mark.parametrize(
    ("user_text", "shown"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("{{7*7}}", "{{7*7}}"),
        ("\"quoted\" & 'single'", "&#34;quoted&#34; &amp; &#39;single&#39;"),
    ],
)
def test_user_text_is_escaped(webproject: object, user_text: str, shown: str) -> None:
    with TestClient(get_asgi_application()) as client:
        text = client.get("/posts/page", params={"t": user_text}).text
    assert text.startswith(f"<title>{shown}</title>")


def test_project_templates_come_before_app_templates(webproject: object) -> None:
    with TestClient(get_asgi_application()) as client:
        assert client.get("/posts/override").text == "project version of override"


def test_missing_template_names_the_folders(tmp_path: Path) -> None:
    templates = Templates([tmp_path])
    with pytest.raises(jinja2.TemplateNotFound) as error:
        templates.get_template("nope.html")
    assert str(error.value) == (
        f"Template 'nope.html' was not found; searched: {tmp_path}. Put it in an app's "
        "templates/ folder or a folder listed in TEMPLATES_DIRS."
    )


def test_templates_dirs_setting_for_a_standalone_app(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "hi.html").write_text("Hi {{ name }} at {{ static('a b.css') }}")
    with settings.override(BASE_DIR=tmp_path, TEMPLATES_DIRS=["pages"], STATIC_URL="/assets/"):
        app = App()

    @app.get("/")
    async def index(request: Request) -> object:
        return render(
            request, "hi.html", {"name": "<Ann>"}, status_code=201, headers={"x-page": "1"}
        )

    with TestClient(app) as client:
        response = client.get("/")
    assert (response.status_code, response.headers["x-page"]) == (201, "1")
    assert response.text == "Hi &lt;Ann&gt; at /assets/a%20b.css"


def test_static_url_joins_cleanly() -> None:
    assert static_url("/static/", "/blog/app.css") == "/static/blog/app.css"
    assert static_url("/static", "x.js") == "/static/x.js"


def test_render_needs_the_framework_app() -> None:
    from starlette.applications import Starlette

    request = Request({"type": "http", "app": Starlette(), "headers": []})
    with pytest.raises(ImproperlyConfigured) as error:
        render(request, "x.html")
    assert str(error.value) == (
        "render() needs the framework's App (it owns the template folders); the request "
        "belongs to Starlette."
    )
