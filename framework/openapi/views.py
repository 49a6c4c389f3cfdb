"""Serve the document (JSON and YAML) and the documentation pages, offline.

``DocsController`` answers ``OPENAPI_URL``, ``OPENAPI_YAML_URL``, ``OPENAPI_DOCS_URL``
(Swagger UI), ``OPENAPI_REDOC_URL`` (ReDoc), ``OPENAPI_RAPIDOC_URL`` (RapiDoc) and
``OPENAPI_ELEMENTS_URL`` (Stoplight Elements, off unless set: its files come with
``framework[elements]``); an empty setting leaves that page out and
``OPENAPI_ENABLED = False`` leaves them all out. Installing the ``framework.openapi`` app
serves it; a standalone ``App`` includes it with ``app.include(DocsController)``.

The pages load Swagger UI, ReDoc and RapiDoc from the files of the ``openapi-ui-bundles``
package (a dependency without dependencies of its own), and Elements from the ``stopments``
wheel, under ``<page>/assets/<file>``, so
the documentation works without any network; a Content-Security-Policy keeps the bundles
from reaching elsewhere (ReDoc's logo, for one, would come from a CDN). The document is
generated on first request and kept until the app's routes change.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import importlib.util
import json
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from framework.exceptions import MissingDependencyError
from framework.web.controllers import Controller
from framework.web.exceptions import HTTPException
from framework.web.pipeline import RouteDecl
from framework.web.requests import Request
from framework.web.responses import FileResponse, HTMLResponse, Response
from framework.web.routing import get

__all__ = ["DocsController", "asset_folder", "document_for"]

#: Files each page may load, by name: (folder inside the package's static files, media type).
SWAGGER_ASSETS = {
    "swagger-ui.css": ("swagger_ui/vendor", "text/css"),
    "swagger-ui-bundle.js": ("swagger_ui/vendor", "text/javascript"),
    "favicon-32x32.png": ("swagger_ui/vendor", "image/png"),
}
REDOC_ASSETS = {"redoc.standalone.js": ("redoc/vendor", "text/javascript")}
RAPIDOC_ASSETS = {"rapidoc-min.js": ("rapidoc/vendor", "text/javascript")}
#: Inside the ``stopments`` package (Stoplight Elements, Apache-2.0; the wheel is BSD-2).
ELEMENTS_ASSETS = {
    "web-components.min.js": ("static", "text/javascript"),
    "styles.min.css": ("static", "text/css"),
}
_SETTINGS = {
    "openapi_json": "OPENAPI_URL",
    "openapi_yaml": "OPENAPI_YAML_URL",
    "swagger_ui": "OPENAPI_DOCS_URL",
    "swagger_asset": "OPENAPI_DOCS_URL",
    "redoc": "OPENAPI_REDOC_URL",
    "redoc_asset": "OPENAPI_REDOC_URL",
    "rapidoc": "OPENAPI_RAPIDOC_URL",
    "rapidoc_asset": "OPENAPI_RAPIDOC_URL",
    "elements": "OPENAPI_ELEMENTS_URL",
    "elements_asset": "OPENAPI_ELEMENTS_URL",
}
#: Per built app: its document and its renderings (an app's routes never change once built).
_cache: weakref.WeakKeyDictionary[Any, tuple[dict[str, Any], dict[str, bytes]]] = (
    weakref.WeakKeyDictionary()
)


def asset_folder(package: str = "openapi_ui_bundles") -> Path:
    """Return the folder of the package holding a page's files (found, not imported)."""
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        if package == "stopments":
            raise MissingDependencyError("stopments", "elements", "the Stoplight Elements page")
        raise MissingDependencyError("openapi-ui-bundles", feature="the documentation pages")
    return Path(locations[0])


def document_for(app: Any) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Return *app*'s document and a cache for its renderings, made on first use."""
    cached = _cache.get(app)
    if cached is None:
        # The generator (schemas of every route) loads with the first request for the document.
        from framework.openapi.generator import generate_openapi

        cached = _cache[app] = (generate_openapi(app), {})
    return cached


def _rendered(request: Request, kind: str) -> bytes:
    document, renderings = document_for(request.app)
    if kind not in renderings:
        if kind == "json":
            renderings[kind] = json.dumps(document, ensure_ascii=False).encode("utf-8")
        else:
            import yaml

            text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
            renderings[kind] = text.encode("utf-8")
    return renderings[kind]


def _url(request: Request, setting: str) -> str:
    return str(request.scope.get("root_path", "")) + str(request.app.settings.get(setting, ""))


def _assets(request: Request, setting: str) -> str:
    """Return the address of a documentation page's bundled files (served offline)."""
    return _url(request, setting).rstrip("/") + "/assets"


def _spec_url(request: Request) -> str:
    """Return the address of the document a page shows: the JSON one, else the YAML one."""
    return _url(request, "OPENAPI_URL") or _url(request, "OPENAPI_YAML_URL")


def _page(title: str, head: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>{head}</head><body>{body}</body></html>\n"
    )


def _ui_response(request: Request, ui: str, head: str, body: str, script: str = "") -> HTMLResponse:
    """Return the page of the documentation UI *ui*, kept on this server by its policy."""
    title = f"{request.app.settings.OPENAPI_TITLE} - {ui}"
    return HTMLResponse(_page(title, head, body), headers=_policy(script))


def _policy(inline_script: str = "") -> dict[str, str]:
    """Return a Content-Security-Policy that keeps a page on this server.

    The bundles would otherwise fetch a logo or a validator badge from the Internet; with
    this policy the browser never asks. Only the page's own inline script (by hash) runs.
    """
    scripts = "'self'"
    if inline_script:
        digest = base64.b64encode(hashlib.sha256(inline_script.encode()).digest()).decode()
        scripts += f" 'sha256-{digest}'"
    policy = (
        f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )
    return {"Content-Security-Policy": policy}


def _script_json(value: Any) -> str:
    """Return *value* as JSON safe inside a ``<script>`` element."""
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")


class DocsController(Controller):
    """The API document and its documentation pages."""

    #: Kept out of the document it serves.
    OPTIONS: ClassVar[dict[str, Any]] = {"include_in_schema": False}

    @classmethod
    def routes(cls) -> Iterator[tuple[str, Any, RouteDecl]]:
        """Yield the routes at the paths the settings give (none when disabled)."""
        from framework.conf import settings

        if not settings.OPENAPI_ENABLED:
            return
        for method_name, func, decl in super().routes():
            base = str(getattr(settings, _SETTINGS[method_name]) or "")
            if not base:
                continue
            if method_name == "elements":
                asset_folder("stopments")  # a missing extra is one line when the app is built
            path = base.rstrip("/") + decl.path if decl.path != "/" else base
            yield method_name, func, dataclasses.replace(decl, path=path)

    @get("/", **OPTIONS)
    async def openapi_json(self, request: Request) -> Response:
        """Return the OpenAPI document as JSON."""
        return Response(_rendered(request, "json"), media_type="application/json")

    @get("/", **OPTIONS)
    async def openapi_yaml(self, request: Request) -> Response:
        """Return the OpenAPI document as YAML."""
        return Response(_rendered(request, "yaml"), media_type="application/yaml")

    @get("/", **OPTIONS)
    async def swagger_ui(self, request: Request) -> HTMLResponse:
        """Return the Swagger UI page."""
        assets = _assets(request, "OPENAPI_DOCS_URL")
        config = {
            "url": _spec_url(request),
            "dom_id": "#swagger-ui",
            "deepLinking": True,
            "validatorUrl": None,
            "layout": "BaseLayout",
        }
        head = (
            f'<link rel="stylesheet" href="{assets}/swagger-ui.css">'
            f'<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">'
        )
        script = (
            f"const config = {_script_json(config)};"
            "config.presets = [SwaggerUIBundle.presets.apis];"
            "window.ui = SwaggerUIBundle(config);"
        )
        body = (
            f'<div id="swagger-ui"></div><script src="{assets}/swagger-ui-bundle.js"></script>'
            f"<script>{script}</script>"
        )
        return _ui_response(request, "Swagger UI", head, body, script)

    @get("/", **OPTIONS)
    async def redoc(self, request: Request) -> HTMLResponse:
        """Return the ReDoc page."""
        assets = _assets(request, "OPENAPI_REDOC_URL")
        spec_url = _spec_url(request)
        body = (
            f'<redoc spec-url="{html.escape(spec_url)}"></redoc>'
            f'<script src="{assets}/redoc.standalone.js"></script>'
        )
        return _ui_response(request, "ReDoc", "", body)

    @get("/", **OPTIONS)
    async def rapidoc(self, request: Request) -> HTMLResponse:
        """Return the RapiDoc page."""
        assets = _assets(request, "OPENAPI_RAPIDOC_URL")
        spec_url = _spec_url(request)
        body = (
            f'<script type="module" src="{assets}/rapidoc-min.js"></script>'
            f'<rapi-doc spec-url="{html.escape(spec_url)}" render-style="read" '
            'show-header="false" allow-spec-url-load="false" allow-spec-file-load="false">'
            "</rapi-doc>"
        )
        return _ui_response(request, "RapiDoc", "", body)

    @get("/", **OPTIONS)
    async def elements(self, request: Request) -> HTMLResponse:
        """Return the Stoplight Elements page."""
        assets = _assets(request, "OPENAPI_ELEMENTS_URL")
        spec_url = _spec_url(request)
        head = (
            f'<script src="{assets}/web-components.min.js"></script>'
            f'<link rel="stylesheet" href="{assets}/styles.min.css">'
        )
        body = (
            f'<elements-api apiDescriptionUrl="{html.escape(spec_url)}" router="hash" '
            'layout="sidebar"></elements-api>'
        )
        return _ui_response(request, "Elements", head, body)

    @get("/assets/{name}", **OPTIONS)
    async def swagger_asset(self, request: Request, name: str) -> FileResponse:
        """Return one file of Swagger UI."""
        return _asset(SWAGGER_ASSETS, name)

    @get("/assets/{name}", **OPTIONS)
    async def redoc_asset(self, request: Request, name: str) -> FileResponse:
        """Return one file of ReDoc."""
        return _asset(REDOC_ASSETS, name)

    @get("/assets/{name}", **OPTIONS)
    async def rapidoc_asset(self, request: Request, name: str) -> FileResponse:
        """Return one file of RapiDoc."""
        return _asset(RAPIDOC_ASSETS, name)

    @get("/assets/{name}", **OPTIONS)
    async def elements_asset(self, request: Request, name: str) -> FileResponse:
        """Return one file of Stoplight Elements."""
        return _asset(ELEMENTS_ASSETS, name, "stopments")


def _asset(
    known: dict[str, tuple[str, str]], name: str, package: str = "openapi_ui_bundles"
) -> FileResponse:
    if name not in known:
        raise HTTPException(404, f"No documentation asset is named {name!r}.")
    folder, media_type = known[name]
    path = asset_folder(package) / folder / name
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "max-age=86400"})
