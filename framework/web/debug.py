"""The DEBUG error pages: a traceback for 500s, the route list for 404s (never in production).

The traceback page puts the project's own frames first, with their local variables, and
folds the framework's and libraries' frames away. Nothing secret is shown: every header,
setting, form field, query parameter and local variable whose name matches
``API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|COOKIE`` (see ``is_sensitive_name`` in
:mod:`framework.conf.masking`) is masked, passwords in URLs too, and every value is
truncated and escaped.
"""

from __future__ import annotations

import html
import linecache
import os
import reprlib
import sysconfig
import traceback
from collections.abc import Iterable
from pathlib import Path
from types import FrameType
from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import Response

from framework.conf.masking import MASK, cleanse, is_sensitive_name
from framework.web.exceptions import HTTPException
from framework.web.requests import FORM_SCOPE_KEY, Request
from framework.web.responses import HTMLResponse, JSONResponse

__all__ = ["debug_response", "is_user_file", "not_found_page"]

_STYLE = """body{font-family:system-ui,sans-serif;margin:0;color:#222}
header{background:#ffd9d9;padding:1rem 2rem;border-bottom:1px solid #e99}
h1{margin:.2rem 0;font-size:1.4rem}main{padding:1rem 2rem}
.frame{margin:1rem 0;border:1px solid #ddd;border-radius:4px}
.where{background:#f4f4f4;padding:.4rem .6rem;font-family:monospace}
details.frame>summary{cursor:pointer}
pre{margin:0;padding:.4rem .6rem;overflow-x:auto}.hot{background:#fff3c4}
table{border-collapse:collapse}td,th{text-align:left;padding:.2rem .8rem;
border-bottom:1px solid #eee;font-family:monospace;vertical-align:top}"""

#: The framework's own package folder: its frames are folded away like a library's.
_FRAMEWORK_DIR = str(Path(__file__).resolve().parents[1]) + os.sep
_LIBRARY_DIRS = tuple(
    {
        os.path.realpath(path) + os.sep
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
        if (path := sysconfig.get_paths().get(key))
    }
)
_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 200
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 20
_REPR.maxlevel = 3


def is_user_file(filename: str) -> bool:
    """Return whether *filename* is the project's own code (not the framework or a library)."""
    if not filename or filename.startswith("<"):
        return False
    path = os.path.realpath(filename)
    if path.startswith(_FRAMEWORK_DIR) or path.startswith(_LIBRARY_DIRS):
        return False
    parts = Path(path).parts
    return "site-packages" not in parts and "dist-packages" not in parts


def _shown(name: str | bytes, value: Any, *, text: bool = True) -> str:
    """Return *value* as the page shows it: masked if *name* is sensitive, else short.

    Request data (*text*) shows strings as they are; local variables show a repr.
    """
    if is_sensitive_name(name):
        return MASK
    if isinstance(value, HTTPConnection):  # a mapping over the scope: query string, cookies…
        return f"<{type(value).__name__} {value.scope.get('method', 'WS')} {value.url.path}>"
    if text and isinstance(value, str):  # headers, query and form values: the text itself
        shown = str(cleanse(value))
        return shown if len(shown) <= _REPR.maxstring else shown[: _REPR.maxstring] + "…"
    return _REPR.repr(cleanse(value))


def _table(rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(value)}</td></tr>"
        for name, value in rows
    )
    return f"<table>{body}</table>" if body else "<p>(none)</p>"


def _source(filename: str, lineno: int) -> str:
    lines = []
    for number in range(max(lineno - 3, 1), lineno + 4):
        text = linecache.getline(filename, number)
        if text:
            css = ' class="hot"' if number == lineno else ""
            lines.append(f"<pre{css}>{number:>5}  {html.escape(text.rstrip())}</pre>")
    return "".join(lines)


def _frame_html(frame: FrameType, lineno: int, *, user: bool) -> str:
    """Return one frame: open with its locals for the project's code, folded otherwise."""
    code = frame.f_code
    where = f"{html.escape(code.co_filename)}, line {lineno}, in {html.escape(code.co_name)}"
    source = _source(code.co_filename, lineno)
    if not user:
        return f'<details class="frame"><summary class="where">{where}</summary>{source}</details>'
    local_rows = [(name, _shown(name, value, text=False)) for name, value in frame.f_locals.items()]
    return (
        f'<div class="frame"><div class="where">{where}</div>{source}'
        f"<h4>Local variables</h4>{_table(local_rows)}</div>"
    )


def _summary(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _traceback_html(exc: BaseException) -> str:
    """Return the project's frames (most recent first), then the whole folded traceback."""
    frames = list(traceback.walk_tb(exc.__traceback__))
    users = [(frame, lineno) for frame, lineno in frames if is_user_file(frame.f_code.co_filename)]
    yours = "".join(_frame_html(frame, lineno, user=True) for frame, lineno in reversed(users))
    every = "".join(_frame_html(frame, lineno, user=False) for frame, lineno in frames)
    intro = (
        f"<h2>Your code (most recent call first)</h2>{yours}"
        if yours
        else "<p>The error happened outside the project's own code.</p>"
    )
    return intro + _folded("Traceback (most recent call last)", every, opened=not yours)


def _request_html(request: Request) -> str:
    headers = [(name, _shown(name, value)) for name, value in request.headers.items()]
    try:
        pairs = request.query_params.multi_items()
    except HTTPException:  # over QUERY_MAX_FIELDS: the page must not fail in turn
        pairs = []
    query = [(name, _shown(name, value)) for name, value in pairs]
    sections = [("Request headers", _table(headers)), ("Query parameters", _table(query))]
    # Shown only when the handler parsed it (the endpoint keeps it): the page reads no body.
    form = request.scope.get(FORM_SCOPE_KEY)
    if form is not None:
        fields = [(name, _shown(name, value)) for name, value in form.multi_items()]
        sections.append(("Form fields", _table(fields)))
    return "".join(f"<h2>{title}</h2>{table}" for title, table in sections)


def _settings_html(request: Request) -> str:
    """Return the settings the app runs with (its own, overrides included), masked."""
    settings: Any = getattr(request.scope.get("app"), "settings", None)
    if settings is None:
        from framework.conf import settings as project_settings

        settings = project_settings
    rows = [(item.key, _shown(item.key, item.value)) for item in settings.items()]
    return _folded("Settings", _table(rows), opened=False)


def _folded(title: str, body: str, *, opened: bool) -> str:
    state = " open" if opened else ""
    return (
        f"<details{state}><summary><h2 style='display:inline'>{title}</h2></summary>"
        f"{body}</details>"
    )


def debug_response(request: Request, exc: BaseException) -> Response:
    """Return the DEBUG 500 response: an HTML traceback page, or JSON with the traceback."""
    summary = _summary(exc)
    vary = {"Vary": "Accept"}
    if not request.wants_html:
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        body = {"detail": summary, "errors": [], "traceback": "".join(lines).splitlines()}
        return JSONResponse(body, status_code=500, headers=vary)
    page = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(summary)}</title><style>{_STYLE}</style></head><body>"
        f"<header><h1>{html.escape(summary)}</h1>"
        f"<div>{html.escape(request.method)} {html.escape(request.url.path)}</div></header><main>"
        f"{_traceback_html(exc)}{_request_html(request)}{_settings_html(request)}"
        "<p>You see this page because DEBUG is on. In production a generic error page is "
        "shown and the error goes to the server log.</p></main></body></html>"
    )
    return HTMLResponse(page, status_code=500, headers=vary)


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
    return HTMLResponse(page, status_code=404, headers={"Vary": "Accept"})
