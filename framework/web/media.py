"""Media types: body parsers and response renderers by content type, and ``@produces``.

::

    from framework.web import produces, register_parser, register_renderer

    @get("/report")
    @produces("application/json", "application/yaml", "text/csv")
    async def report(request):
        return [{"day": "mon", "sales": 3}]      # rendered as the client's Accept prefers

    register_renderer("application/x-msgpack", msgpack.packb)   # any other type
    register_parser("application/x-msgpack", msgpack.unpackb)

Built in: JSON (``application/json``), YAML (``application/yaml``, also ``application/x-yaml``
and ``text/yaml``), NDJSON (``application/x-ndjson``: one JSON value per line) and CSV
(``text/csv``: a list of objects, first row the keys). ``@input(..., location="media")``
accepts JSON, forms and every registered parser's type (Dyne's ``media`` location).

A parser turns the body's bytes into data (``ValueError`` for malformed input: 400); a
renderer turns JSON-compatible data (dicts, lists, strings, numbers, booleans, None) into
bytes. YAML is parsed safely, without anchors or aliases (no "billion laughs").
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from starlette.responses import Response as StarletteResponse

from framework.exceptions import ImproperlyConfigured
from framework.web.exceptions import HTTPException, unsupported_media_type
from framework.web.negotiation import quality
from framework.web.pipeline import Call, handler_decorator
from framework.web.requests import decode_json
from framework.web.responses import Response, json_default

__all__ = [
    "Parser",
    "Renderer",
    "best_match",
    "parse_body",
    "parser_for",
    "parser_types",
    "produces",
    "register_parser",
    "register_renderer",
    "render_value",
    "renderer_types",
]

F = TypeVar("F", bound=Callable[..., Any])
#: ``parser(body) -> data``; raises ``ValueError`` (or a 400 ``HTTPException``) when malformed.
Parser = Callable[[bytes], Any]
#: ``renderer(data) -> bytes`` for JSON-compatible *data*.
Renderer = Callable[[Any], bytes]

_PARSERS: dict[str, Parser] = {}
_RENDERERS: dict[str, Renderer] = {}
META_KEY = "produces"

PRODUCES = handler_decorator(
    "@produces",
    kinds=("http",),
    why_not="only an HTTP route answers with a body in a media type",
)


def _media(content_type: str) -> str:
    return content_type.partition(";")[0].strip().lower()


def register_parser(media_type: str, parser: Parser) -> None:
    """Parse request bodies of *media_type* with *parser* (``@input(location="media")``)."""
    _PARSERS[_media(media_type)] = parser


def register_renderer(media_type: str, renderer: Renderer) -> None:
    """Render answers in *media_type* with *renderer* (``@produces``)."""
    _RENDERERS[_media(media_type)] = renderer


def parser_types() -> list[str]:
    """Return the media types a body may have, registration order."""
    return list(_PARSERS)


def renderer_types() -> list[str]:
    """Return the media types an answer may be rendered in, registration order."""
    return list(_RENDERERS)


def parser_for(content_type: str) -> Parser | None:
    """Return the parser of *content_type* (``+json``/``+yaml`` suffixes included), or None."""
    media = _media(content_type)
    parser = _PARSERS.get(media)
    if parser is None and "+" in media:
        parser = _PARSERS.get(f"application/{media.rpartition('+')[2]}")
    return parser


def parse_body(content_type: str, body: bytes) -> Any:
    """Return the data in *body*: 415 for a type without a parser, 400 when malformed."""
    parser = parser_for(content_type)
    if parser is None:
        shown = repr(content_type) if content_type else "none"
        raise unsupported_media_type(
            f"Unsupported body type {shown}; send one of: {', '.join(_PARSERS)}."
        )
    try:
        return parser(body)
    except ValueError as exc:
        media = _media(content_type)
        raise HTTPException(
            400,
            f"Malformed {media} body: {exc}",
            errors=[{"loc": ["body"], "msg": str(exc), "type": "body_invalid"}],
        ) from None


# -- negotiation -------------------------------------------------------------------------------


def best_match(accept: str, offered: Sequence[str]) -> str | None:
    """Return the type of *offered* the *accept* header prefers (the first on ties), or None.

    Each type takes the quality of the most specific range matching it (``text/csv`` before
    ``text/*`` before ``*/*``); ``q=0`` refuses it.
    """
    if not accept.strip():
        return offered[0] if offered else None
    best, best_quality = None, 0.0
    for media in offered:
        weight = quality(accept, media)
        if weight > best_quality:
            best, best_quality = media, weight
    return best


# -- rendering ---------------------------------------------------------------------------------


def render_value(value: Any, media_type: str) -> bytes:
    """Return *value* (made JSON-compatible) rendered in *media_type*."""
    plain = json.loads(json.dumps(value, default=json_default))
    return _RENDERERS[_media(media_type)](plain)


RawHeaders = list[tuple[bytes, bytes]]


def _value_of(result: Any) -> tuple[Any, int, RawHeaders] | None:
    """Return ``(value, status, headers)`` of a handler result, or None to pass it through.

    A JSON response (``@output``'s) gives its data back, keeping its status and headers (every
    ``Set-Cookie`` included) but not those that describe the JSON body.
    """
    if isinstance(result, StarletteResponse):
        if (result.media_type or "").startswith("application/json") and hasattr(result, "body"):
            kept = [(k, v) for k, v in result.raw_headers if k not in _BODY_HEADERS]
            return json.loads(bytes(result.body) or b"null"), result.status_code, kept
        return None
    if isinstance(result, tuple) and 2 <= len(result) <= 3 and isinstance(result[1], int):
        extra = dict(result[2]) if len(result) == 3 else {}
        raw = [(k.lower().encode("latin-1"), str(v).encode("latin-1")) for k, v in extra.items()]
        return result[0], result[1], raw
    return result, 200, []


_BODY_HEADERS = frozenset({b"content-length", b"content-type"})


def _answer(value: Any, status: int, headers: RawHeaders, media_type: str) -> Response:
    """Return *value* rendered in *media_type*, with *status* and the kept *headers*."""
    if status in (204, 304) or (value is None and status != 200):
        response = Response(status_code=status)
    else:
        response = Response(render_value(value, media_type), status, media_type=media_type)
    response.raw_headers.extend(headers)
    response.headers.append("Vary", "Accept")
    return response


def produces(*media_types: str) -> Callable[[F], F]:
    """Answer in the first of *media_types* the client's ``Accept`` allows (406 if none)."""
    offered = [_media(media_type) for media_type in media_types]
    unknown = [media for media in offered if media not in _RENDERERS]
    if not offered or unknown:
        raise ImproperlyConfigured(
            f"@produces needs media types with a renderer; {', '.join(unknown) or 'none given'} "
            f"has none (registered: {', '.join(_RENDERERS)}; add one with register_renderer)."
        )

    def step(call: Call) -> Call:
        async def run(request: Any, kwargs: dict[str, Any]) -> Any:
            chosen = best_match(request.headers.get("accept", ""), offered)
            if chosen is None:
                raise HTTPException(
                    406,
                    f"This route answers in {', '.join(offered)}; the Accept header "
                    "allows none of them.",
                )
            result = await call(request, kwargs)
            parts = _value_of(result)
            if parts is None:
                return result
            return _answer(*parts, chosen)

        return run

    def decorator(target: F) -> F:
        PRODUCES.apply(target, step).meta[META_KEY] = offered
        return target

    return decorator


# -- the built-in types ------------------------------------------------------------------------


def _yaml_loader() -> Any:
    import yaml

    class SafeNoAliasLoader(yaml.SafeLoader):
        """PyYAML's safe loader, refusing anchors and aliases (no exponential expansion)."""

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                raise ValueError("YAML aliases (*name) are not accepted")
            return super().compose_node(parent, index)

    return SafeNoAliasLoader


def parse_yaml(body: bytes) -> Any:
    """Parse a YAML document safely (plain data only, no aliases)."""
    import yaml

    try:
        return yaml.load(body, Loader=_yaml_loader())
    except yaml.YAMLError as exc:
        raise ValueError(str(exc).replace("\n", " ")) from None
    except RecursionError:
        raise ValueError("it is nested too deeply") from None


def render_yaml(value: Any) -> bytes:
    """Render *value* as a YAML document (keys in their order, Unicode kept)."""
    import yaml

    text: str = yaml.safe_dump(value, sort_keys=False, allow_unicode=True)
    return text.encode("utf-8")


def parse_ndjson(body: bytes) -> list[Any]:
    """Parse newline-delimited JSON: one value per non-blank line."""
    return [decode_json(line) for line in body.splitlines() if line.strip()]


def render_ndjson(value: Any) -> bytes:
    """Render a list as one JSON value per line (any other value as one line)."""
    items = value if isinstance(value, list) else [value]
    return b"".join(json.dumps(item, ensure_ascii=False).encode() + b"\n" for item in items)


def parse_csv(body: bytes) -> list[dict[str, str]]:
    """Parse CSV with a header row into a list of objects."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("it is not UTF-8 text") from None
    return list(csv.DictReader(io.StringIO(text)))


def render_csv(value: Any) -> bytes:
    """Render a list of objects as CSV, the keys of all of them as the header row."""
    rows = value if isinstance(value, list) else [value]
    if not all(isinstance(row, dict) for row in rows):
        raise TypeError("text/csv renders a list of objects (dicts)")
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _render_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


register_parser("application/json", decode_json)
register_renderer("application/json", _render_json)
for _type in ("application/yaml", "application/x-yaml", "text/yaml"):
    register_parser(_type, parse_yaml)
register_renderer("application/yaml", render_yaml)
register_parser("application/x-ndjson", parse_ndjson)
register_renderer("application/x-ndjson", render_ndjson)
register_parser("text/csv", parse_csv)
register_renderer("text/csv", render_csv)
