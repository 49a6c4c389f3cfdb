"""Static files for many hosts: content-hashed names, the manifest, immutable caching and
ETags made from content."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from click.testing import CliRunner

from framework.cli.app import cli
from framework.conf import settings
from framework.testing import TestClient
from framework.web import App, render
from framework.web.manifest import MANIFEST_NAME, hashed_name
from framework.web.staticfiles import collect_static


def sources(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    (source / "css").mkdir(parents=True)
    (source / "css" / "app.css").write_text("body { color: red; }\n")
    (source / "robots.txt").write_text("User-agent: *\n")
    (source / "LICENSE").write_text("MIT\n")
    return source


def test_hashed_names_are_stable_across_runs_and_machines(tmp_path: Path) -> None:
    source = sources(tmp_path)
    first = collect_static([source], tmp_path / "one", manifest=True)
    os.utime(source / "css" / "app.css", (0, 0))  # another checkout: other file times
    second = collect_static([source], tmp_path / "two", manifest=True)
    again = collect_static([source], tmp_path / "one", manifest=True)
    assert first.hashed == second.hashed == again.hashed
    digest = hashlib.sha256(b"body { color: red; }\n").hexdigest()
    assert first.hashed["css/app.css"] == f"css/app.{digest[:12]}.css"
    assert first.hashed["LICENSE"].startswith("LICENSE.")
    manifest = (tmp_path / "one" / MANIFEST_NAME).read_bytes()
    assert manifest == (tmp_path / "two" / MANIFEST_NAME).read_bytes()
    assert json.loads(manifest)["paths"] == first.hashed
    hashed = tmp_path / "one" / first.hashed["css/app.css"]
    assert hashed.read_text() == "body { color: red; }\n"
    assert (tmp_path / "one" / "css" / "app.css").exists()  # the original stays


def test_a_changed_file_gets_a_new_name(tmp_path: Path) -> None:
    source = sources(tmp_path)
    before = collect_static([source], tmp_path / "out", manifest=True).hashed["css/app.css"]
    (source / "css" / "app.css").write_text("body { color: blue; }\n")
    after = collect_static([source], tmp_path / "out", manifest=True).hashed["css/app.css"]
    assert before != after
    assert (tmp_path / "out" / before).exists()  # pages still cached elsewhere keep working


def test_hashed_name_keeps_the_folder_and_extension() -> None:
    assert hashed_name("a/b/app.min.js", "0123456789abcdef") == "a/b/app.min.0123456789ab.js"
    assert hashed_name("Makefile", "0123456789abcdef") == "Makefile.0123456789ab"
    assert hashed_name(".env", "0123456789abcdef") == ".env.0123456789ab"


def page_app(tmp_path: Path, template: str, **overrides: object) -> App:
    """Return an app serving *template* at /page, with STATIC_ROOT = tmp_path/static."""
    (tmp_path / "page.html").write_text(template)
    with settings.override(
        BASE_DIR=tmp_path,
        STATIC_ROOT="static",
        TEMPLATES_DIRS=["."],
        ALLOWED_HOSTS=["testserver"],
        **overrides,
    ):
        app = App()

    @app.get("/page")
    async def page(request):
        return render(request, "page.html")

    return app


def test_templates_resolve_hashed_names_and_hashed_files_are_immutable(tmp_path: Path) -> None:
    source = sources(tmp_path)
    hashed = collect_static([source], tmp_path / "static", manifest=True).hashed["css/app.css"]
    template = "{{ static('css/app.css') }} {{ static('new.css') }}"
    with TestClient(page_app(tmp_path, template, SERVE_STATIC=True)) as client:
        assert client.get("/page").text == f"/static/{hashed} /static/new.css"
        immutable = client.get(f"/static/{hashed}")
        plain = client.get("/static/css/app.css")
    assert immutable.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "cache-control" not in plain.headers
    assert immutable.headers["etag"] == plain.headers["etag"]  # same content, same ETag


def test_debug_uses_the_source_names(tmp_path: Path) -> None:
    collect_static([sources(tmp_path)], tmp_path / "static", manifest=True)
    with TestClient(page_app(tmp_path, "{{ static('css/app.css') }}", DEBUG=True)) as client:
        assert client.get("/page").text == "/static/css/app.css"


def test_etags_come_from_content_not_file_times(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for folder, stamp in [(one, 1_000_000), (two, 2_000_000)]:
        folder.mkdir()
        (folder / "app.js").write_text("console.log(1)\n")
        os.utime(folder / "app.js", (stamp, stamp))
    etags = []
    for folder in (one, two):
        with settings.override(
            STATICFILES_DIRS=[str(folder)], DEBUG=True, ALLOWED_HOSTS=["testserver"]
        ):
            app = App()
        with TestClient(app) as client:
            etags.append(client.get("/static/app.js").headers["etag"])
            assert (
                client.get("/static/app.js", headers={"if-none-match": etags[-1]}).status_code
                == 304
            )
    assert etags[0] == etags[1]
    (two / "app.js").write_text("console.log(2)\n")
    with settings.override(STATICFILES_DIRS=[str(two)], DEBUG=True, ALLOWED_HOSTS=["testserver"]):
        app = App()
    with TestClient(app) as client:
        assert client.get("/static/app.js").headers["etag"] != etags[0]


def test_collectstatic_manifest_command(tmp_path: Path, make_settings_module) -> None:
    sources(tmp_path)
    make_settings_module(
        f"BASE_DIR = {str(tmp_path)!r}\nSTATIC_ROOT = 'collected'\nSTATICFILES_DIRS = ['src']\n"
    )
    runner = CliRunner()
    first = runner.invoke(cli, ["collectstatic", "--manifest"])
    manifest = (tmp_path / "collected" / MANIFEST_NAME).read_text()
    second = runner.invoke(cli, ["collectstatic", "--manifest"])
    assert first.exit_code == second.exit_code == 0, first.output
    assert (
        first.output
        == second.output
        == (
            f"3 static file(s) copied to {tmp_path / 'collected'}.\n"
            f"3 content-hashed name(s) written to {tmp_path / 'collected'}/staticfiles.json.\n"
        )
    )
    assert (tmp_path / "collected" / MANIFEST_NAME).read_text() == manifest
