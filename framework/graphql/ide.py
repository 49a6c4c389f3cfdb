"""GraphiQL, served offline: the page and its files, when GRAPHQL_IDE is on.

The page loads React, GraphiQL and the graphql-ws client from ``<GRAPHQL_URL>/ide/<file>``
(files of the ``graphene-django-graphiql-static`` wheel, see ``extras.ide_folder``), and a
Content-Security-Policy keeps it from reaching any other server. Queries go to the
endpoint with the session's CSRF token, subscriptions over the endpoint's WebSocket.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from typing import Any

from framework.graphql.extras import ide_enabled
from framework.web.exceptions import HTTPException
from framework.web.responses import FileResponse, HTMLResponse

__all__ = ["ASSETS", "asset", "page", "wanted"]

#: The files the page loads, in order, with their media types.
ASSETS = {
    "graphiql.min.css": "text/css",
    "react.production.min.js": "text/javascript",
    "react-dom.production.min.js": "text/javascript",
    "graphiql.min.js": "text/javascript",
    "graphql-ws.min.js": "text/javascript",
}

_SCRIPT = (
    "const config = JSON.parse(document.getElementById('graphiql-config').textContent);"
    "const wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host"
    " + config.url;"
    "const fetcher = GraphiQL.createFetcher({url: config.url, headers: config.headers,"
    " wsClient: graphqlWs.createClient({url: wsUrl, lazy: true})});"
    "ReactDOM.render(React.createElement(GraphiQL, {fetcher: fetcher,"
    " defaultEditorToolsVisibility: true}), document.getElementById('graphiql'));"
)


def wanted(request: Any) -> bool:
    """Return whether *request* is a browser asking for a page (Accept: text/html)."""
    return "text/html" in request.headers.get("accept", "")


def page(request: Any) -> HTMLResponse:
    """Return the GraphiQL page; 404 (in the framework's shape) when GRAPHQL_IDE is off."""
    if not ide_enabled(request.app.settings):
        raise HTTPException(404, "GraphiQL is off (GRAPHQL_IDE); send a query instead.")
    url = str(request.scope.get("root_path", "")) + request.url.path
    headers: dict[str, str] = {}
    if "session" in request.scope:
        from framework.auth.csrf import get_csrf_token

        headers[str(request.app.settings.CSRF_HEADER_NAME)] = get_csrf_token(request)
    config = json.dumps({"url": url, "headers": headers}).replace("<", "\\u003c")
    files = url.rstrip("/") + "/ide"
    styles = f'<link rel="stylesheet" href="{html.escape(files)}/graphiql.min.css">'
    scripts = "".join(
        f'<script src="{html.escape(files)}/{name}"></script>'
        for name in ASSETS
        if name.endswith(".js")
    )
    body = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>GraphiQL</title>'
        f"{styles}<style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style></head>"
        f'<body><div id="graphiql">Loading GraphiQL…</div>'
        f'<script type="application/json" id="graphiql-config">{config}</script>{scripts}'
        f"<script>{_SCRIPT}</script></body></html>\n"
    )
    return HTMLResponse(body, headers={"Content-Security-Policy": _policy()})


def _policy() -> str:
    """Keep the page on this server: its own files, its inline script by hash, no other host."""
    digest = base64.b64encode(hashlib.sha256(_SCRIPT.encode()).digest()).decode()
    return (
        f"default-src 'self'; script-src 'self' 'sha256-{digest}'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )


def asset(request: Any, name: str) -> FileResponse:
    """Return one of GraphiQL's files (404 for any other name, or with the IDE off)."""
    from framework.graphql.extras import ide_folder

    if not ide_enabled(request.app.settings) or name not in ASSETS:
        raise HTTPException(404, f"No GraphiQL file is named {name!r}.")
    headers = {"Cache-Control": "max-age=86400"}
    return FileResponse(ide_folder() / name, media_type=ASSETS[name], headers=headers)
