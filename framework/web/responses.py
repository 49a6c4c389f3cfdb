"""Turn what a handler returns into a Response: dict/list → JSON, str → text, None → 204."""

from __future__ import annotations

from typing import Any

from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

__all__ = ["HTMLResponse", "JSONResponse", "PlainTextResponse", "Response", "to_response"]


def to_response(value: Any) -> Response:
    """Return *value* as a Response: Responses pass through, pydantic models become JSON."""
    if isinstance(value, Response):
        return value
    if value is None:
        return Response(status_code=204)
    if isinstance(value, str):
        return PlainTextResponse(value)
    if isinstance(value, (dict, list)):
        return JSONResponse(value)
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return JSONResponse(dump(mode="json"))
    raise TypeError(
        f"A handler returned {type(value).__name__}; return a Response, dict, list, str, "
        "pydantic model or None."
    )
