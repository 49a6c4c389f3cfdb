"""RapiDoc and Stoplight Elements: served from this server, rendered offline in Chromium."""

from __future__ import annotations

from typing import Any

import pytest

from framework.conf import settings
from framework.exceptions import MissingDependencyError
from framework.openapi import DocsController
from framework.openapi import views as docs_views
from framework.testing import TestClient, live_server
from framework.web import App


@pytest.fixture(autouse=True)
def _elements_on() -> Any:
    with settings.override(OPENAPI_ELEMENTS_URL="/elements", OPENAPI_TITLE="Bookshop"):
        yield


def docs_app() -> App:
    app = App()
    app.include(DocsController)

    @app.get("/books")
    async def books(request: Any) -> list[str]:
        """List the shelved books."""
        return []

    return app


def test_rapidoc_and_elements_pages_load_their_files_from_this_server() -> None:
    with TestClient(docs_app()) as client:
        rapidoc = client.get("/rapidoc")
        assert '<script type="module" src="/rapidoc/assets/rapidoc-min.js"></script>' in (
            rapidoc.text
        )
        assert 'spec-url="/openapi.json"' in rapidoc.text
        elements = client.get("/elements")
        assert '<script src="/elements/assets/web-components.min.js"></script>' in elements.text
        assert 'apiDescriptionUrl="/openapi.json"' in elements.text
        for path in [
            "/rapidoc/assets/rapidoc-min.js",
            "/elements/assets/web-components.min.js",
            "/elements/assets/styles.min.css",
        ]:
            assert client.get(path).status_code == 200, path
        assert client.get("/elements/assets/favicon.ico").status_code == 404  # not listed
        assert "Content-Security-Policy" in elements.headers


def test_elements_is_off_by_default() -> None:
    with settings.override(OPENAPI_ELEMENTS_URL=""):
        app = App()
        app.include(DocsController)
        app.build()
    with TestClient(app) as client:
        assert client.get("/elements").status_code == 404
        assert client.get("/rapidoc").status_code == 200


def test_elements_without_its_extra_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    real = docs_views.importlib.util.find_spec

    def without_stopments(name: str, *args: Any) -> Any:
        return None if name == "stopments" else real(name, *args)

    monkeypatch.setattr(docs_views.importlib.util, "find_spec", without_stopments)
    with pytest.raises(MissingDependencyError) as missing:
        docs_app().build()
    assert str(missing.value) == (
        "'stopments' is required for the Stoplight Elements page but is not installed: "
        'pip install "framework[elements]"'
    )


def test_rapidoc_renders_the_operations_offline(page: Any) -> None:
    with live_server(docs_app()) as url:
        page.goto(url + "/rapidoc")
        page.get_by_text("List the shelved books.").first.wait_for(timeout=20_000)
    assert page.blocked_requests == []


def test_elements_renders_the_operations_offline(page: Any) -> None:
    with live_server(docs_app()) as url:
        page.goto(url + "/elements")
        page.get_by_text("List the shelved books.").first.wait_for(timeout=30_000)
        text = page.inner_text("body")
    assert "Bookshop" in text
    assert page.blocked_requests == []
