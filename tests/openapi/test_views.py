"""The served document (JSON, YAML), the documentation pages and their assets."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from framework.conf import settings
from framework.exceptions import ImproperlyConfigured
from framework.openapi import DocsController
from framework.testing import TestClient
from framework.web import App


def docs_app() -> App:
    app = App()
    app.include(DocsController)

    @app.get("/hello")
    async def hello(request):
        """Say hello."""
        return {"hello": "world"}

    return app


@pytest.fixture
def client() -> Any:
    with TestClient(docs_app()) as test_client:
        yield test_client


def test_json_and_yaml_are_the_same_document(client: TestClient) -> None:
    as_json = client.get("/openapi.json")
    as_yaml = client.get("/openapi.yaml")
    assert as_json.headers["content-type"] == "application/json"
    assert as_yaml.headers["content-type"] == "application/yaml"
    assert yaml.safe_load(as_yaml.text) == as_json.json()
    assert list(as_json.json()["paths"]) == ["/hello"]  # the documentation routes are hidden


def test_the_document_follows_routes_declared_after_the_docs() -> None:
    app = docs_app()

    @app.get("/later")
    async def later(request):
        return {}

    with TestClient(app) as client:
        assert "/later" in client.get("/openapi.json").json()["paths"]
        # Served, the app is built: its routes (and so its document) no longer change.
        with pytest.raises(ImproperlyConfigured, match="can no longer be called on the App"):
            app.get("/too-late")


def test_swagger_ui_loads_its_files_from_this_server(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<script src="/docs/assets/swagger-ui-bundle.js"></script>' in page.text
    assert '"url": "/openapi.json"' in page.text
    assert '"validatorUrl": null' in page.text
    assert "http" not in page.text.replace('content="width', "")
    for name, media in [
        ("swagger-ui-bundle.js", "text/javascript"),
        ("swagger-ui.css", "text/css"),
        ("favicon-32x32.png", "image/png"),
    ]:
        asset = client.get(f"/docs/assets/{name}")
        assert asset.status_code == 200
        assert asset.headers["content-type"].startswith(media)
        assert asset.headers["cache-control"] == "max-age=86400"


def test_redoc_loads_its_bundle_from_this_server(client: TestClient) -> None:
    page = client.get("/redoc")
    assert '<redoc spec-url="/openapi.json"></redoc>' in page.text
    assert '<script src="/redoc/assets/redoc.standalone.js"></script>' in page.text
    assert client.get("/redoc/assets/redoc.standalone.js").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/docs/assets/LICENSE",
        "/docs/assets/..%2f..%2f__init__.py",
        "/docs/assets/redoc.standalone.js",
    ],
)
def test_only_listed_assets_are_served(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404


def test_urls_come_from_the_settings_and_empty_turns_a_page_off() -> None:
    with (
        settings.override(
            OPENAPI_URL="/api/schema.json", OPENAPI_DOCS_URL="/api/docs/", OPENAPI_REDOC_URL=""
        ),
        TestClient(docs_app()) as client,
    ):
        assert client.get("/api/schema.json").status_code == 200
        page = client.get("/api/docs/")
        assert '"url": "/api/schema.json"' in page.text
        assert client.get("/api/docs/assets/swagger-ui.css").status_code == 200
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/redoc").status_code == 404


def test_disabled_serves_nothing() -> None:
    with settings.override(OPENAPI_ENABLED=False), TestClient(docs_app()) as client:
        for path in ["/openapi.json", "/openapi.yaml", "/docs", "/redoc"]:
            assert client.get(path).status_code == 404


def test_the_title_is_escaped_in_pages() -> None:
    with settings.override(OPENAPI_TITLE="<Shop>"), TestClient(docs_app()) as client:
        assert "<title>&lt;Shop&gt; - Swagger UI</title>" in client.get("/docs").text
