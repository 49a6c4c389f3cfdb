"""Static files: served per app in DEBUG, collected for production, never outside their folder."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from framework.conf import settings
from framework.testing import TestClient
from framework.web import App, get_asgi_application
from framework.web.staticfiles import collect_static, find_file, safe_relative_path
from tests.web.raw import call_asgi


def debug_project_app(webproject: Any) -> App:
    with settings.override(DEBUG=True):
        return get_asgi_application()


def test_debug_serves_each_apps_static_folder(webproject: Any) -> None:
    with TestClient(debug_project_app(webproject)) as client:
        css = client.get("/static/blogapp/app.css")
        logo = client.get("/static/shopapp/logo.txt")
        shared = client.get("/static/blogapp/shared.txt")
    assert (css.status_code, css.text) == (200, "body { color: blue; }\n")
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    assert logo.text == "logo\n"
    assert shared.text == "from blogapp\n"  # the first app in INSTALLED_APPS wins


def test_production_does_not_serve_static_files(webproject: Any) -> None:
    with TestClient(get_asgi_application()) as client:
        assert client.get("/static/blogapp/app.css").status_code == 404


def test_serve_static_in_production_uses_static_root(webproject: Any, tmp_path: Path) -> None:
    (tmp_path / "site.css").write_text("collected")
    with settings.override(SERVE_STATIC=True, STATIC_ROOT=str(tmp_path)):
        app = get_asgi_application()
    with TestClient(app) as client:
        assert client.get("/static/site.css").text == "collected"
        assert client.get("/static/blogapp/app.css").status_code == 404


def test_not_modified_with_etag(webproject: Any) -> None:
    with TestClient(debug_project_app(webproject)) as client:
        first = client.get("/static/blogapp/app.css")
        second = client.get(
            "/static/blogapp/app.css", headers={"if-none-match": first.headers["etag"]}
        )
        by_date = client.get(
            "/static/blogapp/app.css", headers={"if-modified-since": first.headers["last-modified"]}
        )
    assert (second.status_code, second.content) == (304, b"")
    assert by_date.status_code == 304


def test_only_get_and_head(webproject: Any) -> None:
    with TestClient(debug_project_app(webproject)) as client:
        response = client.post("/static/blogapp/app.css")
        head = client.head("/static/blogapp/app.css")
    assert (response.status_code, response.headers["allow"]) == (405, "GET, HEAD")
    assert (head.status_code, head.content) == (200, b"")


def test_url_for_static(webproject: Any) -> None:
    app = debug_project_app(webproject)
    assert app.url_for("static", path="blogapp/app.css") == "/static/blogapp/app.css"


@pytest.mark.parametrize(
    "path",
    [
        "/static/../settings.py",  # /static/../x
        "/static/blogapp/../../settings.py",
        "/static/..%2fsettings.py",  # a server decodes %2f before the app sees it
        "/static/../../../../etc/passwd",
        "/static//etc/passwd",
        "/static/blogapp/app.css\x00.txt",
        "/static/blogapp\\..\\..\\settings.py",
        "/static/C:/Windows/win.ini",
        "/static/blogapp",  # a folder: never listed
        "/static/blogapp/",
        "/static/./blogapp/app.css",
    ],
)
async def test_traversal_and_odd_paths_are_404(webproject: Any, path: str) -> None:
    app = debug_project_app(webproject)
    decoded = path.replace("%2f", "/")
    response = await call_asgi(app, path=decoded)
    assert response.status == 404
    assert b"root" not in response.body


async def test_raw_requests_reach_the_static_files(webproject: Any) -> None:
    response = await call_asgi(debug_project_app(webproject), path="/static/blogapp/app.css")
    assert (response.status, response.body) == (200, b"body { color: blue; }\n")


@pytest.mark.parametrize(
    ("path", "safe"),
    [
        ("a/b.css", True),
        ("", False),
        ("/etc/passwd", False),
        ("a/../b", False),
        ("a//b", False),
        ("a\\b", False),
        ("a\x00b", False),
        ("c:/x", False),
        (".", False),
    ],
)
def test_safe_relative_path(path: str, safe: bool) -> None:
    assert (safe_relative_path(path) is not None) is safe


def test_sibling_prefix_folder_and_symlinks_out_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "static"
    sibling = tmp_path / "static-secret"
    root.mkdir()
    sibling.mkdir()
    (sibling / "key.txt").write_text("secret")
    (tmp_path / "outside.txt").write_text("outside")
    (root / "inside.txt").write_text("inside")
    os.symlink(tmp_path / "outside.txt", root / "link.txt")
    os.symlink(sibling, root / "linked-dir")
    os.symlink(root / "inside.txt", root / "alias.txt")
    assert find_file([root], "../static-secret/key.txt") is None
    assert find_file([root], "link.txt") is None
    assert find_file([root], "linked-dir/key.txt") is None
    assert find_file([root], "alias.txt") == (root / "inside.txt").resolve()
    assert find_file([root], "inside.txt") == (root / "inside.txt").resolve()


def test_collect_static_copies_first_match_and_skips_links_out(tmp_path: Path) -> None:
    first, second, target = tmp_path / "first", tmp_path / "second", tmp_path / "out"
    (first / "css").mkdir(parents=True)
    (second / "css").mkdir(parents=True)
    (first / "css" / "site.css").write_text("first")
    (second / "css" / "site.css").write_text("second")
    (second / "js.js").write_text("js")
    (second / ".hidden").write_text("no")
    (tmp_path / "secret.txt").write_text("secret")
    os.symlink(tmp_path / "secret.txt", second / "leak.txt")
    result = collect_static([first, second], target)
    assert result.copied == ["css/site.css", "js.js"]
    assert result.duplicates == [("css/site.css", second)]
    assert result.skipped == [second / "leak.txt"]
    assert (target / "css" / "site.css").read_text() == "first"
    assert not (target / "leak.txt").exists()
    assert not (target / ".hidden").exists()


def test_collect_static_clear_and_dry_run(tmp_path: Path) -> None:
    source, target = tmp_path / "src", tmp_path / "out"
    source.mkdir()
    (source / "a.txt").write_text("a")
    target.mkdir()
    (target / "stale.txt").write_text("old")
    dry = collect_static([source], target, clear=True, dry_run=True)
    assert dry.copied == ["a.txt"] and (target / "stale.txt").exists()
    collect_static([source], target, clear=True)
    assert sorted(path.name for path in target.iterdir()) == ["a.txt"]


def test_spa_fallback_serves_the_index(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<div id=app></div>")
    with settings.override(STATICFILES_DIRS=[str(tmp_path)], DEBUG=True):
        app = App()

    @app.get("/api/ping")
    async def ping(request: Any) -> dict[str, bool]:
        return {"pong": True}

    app.add_route("/", static=True)
    with TestClient(app) as client:
        assert client.get("/").text == "<div id=app></div>"
        assert client.get("/some/client/route").text == "<div id=app></div>"
        assert client.get("/api/ping").json() == {"pong": True}
        api_miss = client.get("/api/nope", headers={"accept": "application/json"})
        post_miss = client.post("/some/client/route")
    assert api_miss.status_code == 404
    assert post_miss.status_code == 404


def test_add_route_needs_an_endpoint() -> None:
    with pytest.raises(TypeError) as error:
        App().add_route("/x")
    assert str(error.value) == "add_route() needs an endpoint unless static=True."
