"""The DEBUG error pages: a traceback for 500s, the route list for 404s (never in production)."""

from __future__ import annotations

import html
import linecache
import traceback
from typing import Any

from starlette.responses import Response

from framework.web.requests import Request
from framework.web.responses import HTMLResponse, JSONResponse

__all__ = ["debug_response", "not_found_page"]

_STYLE = """body{font-family:system-ui,sans-serif;margin:0;color:#222}
header{background:#ffd9d9;padding:1rem 2rem;border-bottom:1px solid #e99}
h1{margin:.2rem 0;font-size:1.4rem}main{padding:1rem 2rem}
.frame{margin:1rem 0;border:1px solid #ddd;border-radius:4px}
.where{background:#f4f4f4;padding:.4rem .6rem;font-family:monospace}
pre{margin:0;padding:.4rem .6rem;overflow-x:auto}.hot{background:#fff3c4}
table{border-collapse:collapse}td,th{text-align:left;padding:.2rem .8rem;
border-bottom:1px solid #eee;font-family:monospace}"""


def _frame_html(frame: traceback.FrameSummary) -> str:
    lineno = frame.lineno or 0
    lines = []
    for number in range(max(lineno - 3, 1), lineno + 4):
        text = linecache.getline(frame.filename, number)
        if not text:
            continue
        css = ' class="hot"' if number == lineno else ""
        lines.append(f"<pre{css}>{number:>5}  {html.escape(text.rstrip())}</pre>")
    where = f"{html.escape(frame.filename)}, line {lineno}, in {html.escape(frame.name)}"
    return f'<div class="frame"><div class="where">{where}</div>{"".join(lines)}</div>'


def _summary(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def debug_response(request: Request, exc: BaseException) -> Response:
    """Return the DEBUG 500 response: an HTML traceback page, or JSON with the traceback."""
    summary = _summary(exc)
    frames = traceback.extract_tb(exc.__traceback__)
    if not request.wants_html:
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        body = {"detail": summary, "errors": [], "traceback": "".join(lines).splitlines()}
        return JSONResponse(body, status_code=500)
    rows = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(value)}</td></tr>"
        for name, value in request.headers.items()
    )
    page = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(summary)}</title><style>{_STYLE}</style></head><body>"
        f"<header><h1>{html.escape(summary)}</h1>"
        f"<div>{html.escape(request.method)} {html.escape(request.url.path)}</div></header><main>"
        f"<h2>Traceback (most recent call last)</h2>{''.join(_frame_html(f) for f in frames)}"
        f"<h2>Request headers</h2><table>{rows}</table>"
        "<p>You see this page because DEBUG is on. In production a generic error page is "
        "shown and the error goes to the server log.</p></main></body></html>"
    )
    return HTMLResponse(page, status_code=500)


def not_found_page(request: Request, routes: list[dict[str, Any]]) -> HTMLResponse:
    """Return the DEBUG 404 page listing the routes the app has (HTML clients only)."""
    rows = "".join(
        "<tr>"
        + "".join(f"<td>{html.escape(str(route[key]))}</td>" for key in ("methods", "path", "name"))
        + "</tr>"
        for route in routes
    )
    page = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>404 Not Found"
        f"</title><style>{_STYLE}</style></head><body><header><h1>404 Not Found</h1>"
        f"<div>No route matches {html.escape(request.method)} "
        f"{html.escape(request.url.path)}</div></header><main><h2>Routes, in match order</h2>"
        f"<table><tr><th>Methods</th><th>Path</th><th>Name</th></tr>{rows}</table>"
        "<p>You see this page because DEBUG is on; in production a plain 404 is shown.</p>"
        "</main></body></html>"
    )
    return HTMLResponse(page, status_code=404)
