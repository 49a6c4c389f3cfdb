"""``Request``: Starlette's request plus bounded body parsing and the framework's hooks.

Body reading goes through :meth:`Request.stream`, which enforces the route's body limit, so
``body()``, ``json()``, ``form()`` and ``files()`` are all bounded. ``json()`` accepts only
JSON content types (415 otherwise) and turns malformed input into a 400 with a location.

Hooks for other layers:

* ``request.db`` is the session of the request's database scope, which the endpoint opens
  around the request (:class:`framework.db.RequestSessions`); the session itself is created
  on first use.
* ``request.call_on_close(fn)`` runs ``fn`` once the response is sent, even after an error.
* ``request.after_response(fn, *args)`` runs a background task after the response is sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

from starlette import requests as _starlette
from starlette.datastructures import FormData, QueryParams, UploadFile

from framework.exceptions import ImproperlyConfigured
from framework.web.exceptions import HTTPException, unsupported_media_type
from framework.web.inputlimits import Limits, body_too_large, parse_query
from framework.web.negotiation import prefers_html

__all__ = ["DB_SCOPE_KEY", "FORM_SCOPE_KEY", "ClientDisconnect", "Request", "scope_db"]

ClientDisconnect = _starlette.ClientDisconnect

_DEFAULT_LIMITS = Limits()
#: Key of the ASGI scope under which the endpoint keeps the request's database scope.
DB_SCOPE_KEY = "framework.db"
#: Key under which a failed request's parsed form is kept for the DEBUG page.
FORM_SCOPE_KEY = "framework.form"


def scope_db(scope: Any, owner: str) -> Any:
    """Return the database session of an ASGI *scope* (``request.db``, ``websocket.db``)."""
    state = scope.get(DB_SCOPE_KEY)
    if state is None:
        raise ImproperlyConfigured(
            f"{owner}.db is only available while an App serves the connection (the endpoint "
            "opens the database scope); outside requests use 'async with db.session():'."
        )
    return state[0].session


class Request(_starlette.Request):
    """An HTTP request, as handlers and hooks receive it."""

    # Class-level defaults: most requests never set them, so __init__ stays short.
    _received = 0
    _on_close: list[Callable[[], Awaitable[Any]]] | None = None
    _after_response: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] | None = None

    def __init__(
        self,
        scope: Any,
        receive: Any = _starlette.empty_receive,
        send: Any = _starlette.empty_send,
        limits: Limits | None = None,
    ) -> None:
        # Starlette's Request.__init__ and HTTPConnection.__init__, inlined: two calls less
        # on every request (test_requests checks the attributes stay Starlette's).
        assert scope["type"] == "http"  # Starlette's own check, kept as it is
        self.scope = scope
        self._receive = receive
        self._send = send
        self._stream_consumed = False
        self._is_disconnected = False
        self._form = None
        self.limits = limits or _DEFAULT_LIMITS

    # -- body -------------------------------------------------------------------------------

    async def stream(self) -> AsyncGenerator[bytes, None]:
        """Yield the body in chunks; 413 as soon as it passes the route's size limit."""
        if hasattr(self, "_body"):
            yield self._body
            yield b""
            return
        if self._stream_consumed:
            raise RuntimeError("The request body was already read as a stream.")
        while not self._stream_consumed:
            body = await self._next_chunk()
            if body:
                yield body
        yield b""

    async def body(self) -> bytes:
        """Return the whole body (413 past the route's limit), read once and kept."""
        if not hasattr(self, "_body"):
            # Read here rather than through stream(): an async generator costs its setup,
            # the loop's hooks and aclosing() on every request with a body.
            if self._stream_consumed:
                raise RuntimeError("The request body was already read as a stream.")
            chunks: list[bytes] = []
            while not self._stream_consumed:
                body = await self._next_chunk()
                if body:
                    chunks.append(body)
            self._body = b"".join(chunks)
        return self._body

    async def _next_chunk(self) -> bytes:
        """Receive the next piece of the body; 413 past the limit, ``ClientDisconnect`` if gone."""
        message = await self._receive()
        if message["type"] == "http.request":
            body: bytes = message.get("body", b"")
            if not message.get("more_body", False):
                self._stream_consumed = True
            if body:
                self._received += len(body)
                limit = self.limits.max_body_size
                if limit and self._received > limit:
                    self._stream_consumed = True
                    raise body_too_large(limit)
            return body
        if message["type"] == "http.disconnect":
            self._is_disconnected = True
            raise ClientDisconnect()
        return b""

    async def json(self) -> Any:
        """Return the parsed JSON body: 415 unless the content type is JSON, 400 if malformed."""
        if not hasattr(self, "_json"):
            content_type = self.headers.get("content-type", "")
            if not is_json_content_type(content_type):
                shown = repr(content_type) if content_type else "none"
                raise unsupported_media_type(
                    f"Expected a JSON body (Content-Type: application/json); got {shown}."
                )
            self._json = decode_json(await self.body())
        return self._json

    def form(self, **limits: Any) -> Any:
        """Parse a urlencoded or multipart form within the route's limits (400 beyond them).

        Keyword arguments ``max_files``, ``max_fields`` and ``max_part_size`` tighten or
        relax the limits for this call. Use ``async with request.form() as form:`` to close
        uploaded files early; otherwise they are closed when the response is sent.
        """
        options: dict[str, Any] = {
            "max_files": self.limits.max_form_files or float("inf"),
            "max_fields": self.limits.max_form_fields or float("inf"),
            "max_part_size": self.limits.max_form_part_size or 2**62,
        }
        options.update(limits)
        return super().form(**options)

    async def files(self) -> dict[str, UploadFile]:
        """Return the uploaded files of a multipart form, by field name."""
        form: FormData = await self.form()
        return {name: value for name, value in form.multi_items() if isinstance(value, UploadFile)}

    @property
    def query_params(self) -> QueryParams:
        """Return the query string's parameters (400 past QUERY_MAX_FIELDS; ``;`` is data)."""
        if not hasattr(self, "_query_params"):
            pairs = parse_query(self.scope["query_string"], self.limits.max_query_fields)
            self._query_params = QueryParams(pairs)
        return self._query_params

    @property
    def query(self) -> QueryParams:
        """Return the query parameters (an alias of ``query_params``)."""
        return self.query_params

    # -- content negotiation ----------------------------------------------------------------

    @property
    def wants_html(self) -> bool:
        """Return whether the client prefers an HTML page to JSON (browsers do).

        ``Accept`` is negotiated with its q-values: HTML only when ``text/html`` is
        preferred over ``application/json``.
        """
        return prefers_html(self.headers.get("accept", ""))

    # -- hooks ------------------------------------------------------------------------------

    @property
    def session(self) -> Any:
        """Return the signed-cookie session (needs ``SessionMiddleware`` in MIDDLEWARE)."""
        session = self.scope.get("session")
        if session is None:
            raise ImproperlyConfigured(
                "request.session needs the session middleware: add "
                "'framework.web.middleware.SessionMiddleware' to MIDDLEWARE and set SECRET_KEY "
                "(it signs the cookie)."
            )
        loader = getattr(session, "load", None)
        return loader() if loader is not None else session

    @property
    def db(self) -> Any:
        """Return the request's database session (an ``AsyncSession``), created on first use.

        It is rolled back on error and closed after the response; commit it yourself, or use
        the CRUD helpers and ``transaction()``, which find the same session.
        """
        return scope_db(self.scope, "request")

    @property
    def user(self) -> Any:
        """Return the request's user: set by ``AuthenticationMiddleware`` or an auth decorator.

        None when no one is logged in. Without the middleware, only routes protected by
        ``@login_required``/``@authenticate`` have one.
        """
        if "user" in self.scope:
            return self.scope["user"]
        state = self.scope.get("state") or {}
        if "user" in state:
            return state["user"]
        raise ImproperlyConfigured(
            "request.user needs 'framework.auth.AuthenticationMiddleware' in MIDDLEWARE (after "
            "the session middleware), or an auth decorator on the route."
        )

    def call_on_close(self, callback: Callable[[], Awaitable[Any]]) -> None:
        """Await *callback* once the response is sent or the request failed (always once)."""
        if self._on_close is None:
            self._on_close = []
        self._on_close.append(callback)

    def after_response(self, func: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
        """Run ``func(*args, **kwargs)`` after the response is sent (sync ones in a thread)."""
        if self._after_response is None:
            self._after_response = []
        self._after_response.append((func, args, kwargs))

    async def run_on_close(self) -> None:
        """Close uploaded files and await the ``call_on_close`` callbacks, newest first."""
        if self._form is not None:
            await self.close()
        callbacks, self._on_close = self._on_close, None
        error: BaseException | None = None
        while callbacks:
            try:
                await callbacks.pop()()
            except Exception as exc:  # run every callback; re-raise the first failure after
                error = error or exc
        if error is not None:
            raise error


def is_json_content_type(content_type: str) -> bool:
    """Return whether *content_type* is ``application/json`` or a ``+json`` type."""
    media = content_type.partition(";")[0].strip().lower()
    if media == "application/json":
        return True
    return media.startswith("application/") and media.endswith("+json")


def decode_json(body: bytes) -> Any:
    """Parse *body* as JSON; malformed, empty or too deeply nested input is a 400.

    ``NaN``, ``Infinity`` and ``-Infinity``, which Python's parser accepts but JSON
    (RFC 8259) does not, are malformed too: they would poison sums and fail to serialise.
    """
    if not body.strip():
        raise HTTPException(
            400,
            "The request body is empty; expected JSON.",
            errors=[{"loc": ["body"], "msg": "Empty body", "type": "json_invalid"}],
        )
    try:
        value = json.loads(body, parse_constant=_refuse_constant)
    except _NonStandardConstant as exc:
        raise HTTPException(
            400,
            f"Malformed JSON body: {exc.name} is not a JSON value (JSON has no NaN or "
            "Infinity; send null or a string).",
            errors=[
                {"loc": ["body"], "msg": f"{exc.name} is not valid JSON", "type": "json_invalid"}
            ],
        ) from None
    except json.JSONDecodeError as exc:
        raise HTTPException(
            400,
            f"Malformed JSON body: {exc.msg} at line {exc.lineno} column {exc.colno}.",
            errors=[{"loc": ["body", exc.pos], "msg": exc.msg, "type": "json_invalid"}],
        ) from None
    except UnicodeDecodeError:
        raise HTTPException(
            400,
            "Malformed JSON body: it is not valid UTF-8.",
            errors=[{"loc": ["body"], "msg": "Invalid UTF-8", "type": "json_invalid"}],
        ) from None
    except RecursionError:
        raise HTTPException(
            400,
            "Malformed JSON body: it is nested too deeply.",
            errors=[{"loc": ["body"], "msg": "Nested too deeply", "type": "json_invalid"}],
        ) from None
    except ValueError:  # an integer past sys.get_int_max_str_digits() (CVE-2020-10735)
        raise HTTPException(
            400,
            "Malformed JSON body: a number has too many digits.",
            errors=[{"loc": ["body"], "msg": "Number too long", "type": "json_invalid"}],
        ) from None
    if _SURROGATE_ESCAPE.search(body) and _has_lone_surrogate(value):
        # "\ud800" alone parses, but no UTF-8 text can hold it: answering or storing it fails.
        raise HTTPException(
            400,
            "Malformed JSON body: a string holds an unpaired surrogate escape (\\ud800-\\udfff).",
            errors=[{"loc": ["body"], "msg": "Unpaired surrogate", "type": "json_invalid"}],
        )
    return value


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89abcdefABCDEF]")


class _NonStandardConstant(ValueError):
    """``NaN``, ``Infinity`` or ``-Infinity``: Python's parser accepts them, JSON does not."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def _refuse_constant(name: str) -> Any:
    raise _NonStandardConstant(name)


def _has_lone_surrogate(value: Any) -> bool:
    """Return whether a parsed JSON *value* holds a string that is not valid Unicode text."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
