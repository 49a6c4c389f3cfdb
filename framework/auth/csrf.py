"""CSRF protection for requests that carry the session cookie.

A browser attaches cookies to requests that other sites' pages make, so an unsafe request
(POST, PUT, PATCH, DELETE) that relies on the session cookie must prove it comes from one
of this site's own pages: its ``Origin`` (or ``Referer``) must be this site or one of
CSRF_TRUSTED_ORIGINS, and it must carry the session's CSRF token in the ``csrf_token`` form
field or the ``X-CSRF-Token`` header. Otherwise the answer is 403 and the handler never runs.

Requests without the session (or remember-me) cookie are exempt: another site's page cannot
make a browser send them. So is a request authenticated by header credentials *on the route
it reaches* — the route's ``@authenticate`` backend accepted its token or key. The mere
presence of a header exempts nothing: ``Authorization: x`` still gets the 403, and so do
Basic and Digest credentials even when valid, since a browser caches and resends them by
itself, as it does cookies (``AuthBackend.ambient``). The
middleware cannot know the route, so it defers that refusal to it
(``framework.web.deferred``): the route raises it before any hook or handler runs, unless
its header authentication accepts the request.

Forms include the token with ``{{ csrf_input() }}``; JavaScript reads ``{{ csrf_token() }}``
(for example from a ``<meta>`` tag) and sends it in the header. The token is masked afresh on
each call, so a compressed page never repeats a constant secret (BREACH).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
from collections.abc import Awaitable, Sequence
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import HTTPConnection, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from framework.exceptions import ImproperlyConfigured
from framework.web.deferred import defer_refusal
from framework.web.errors import render_error
from framework.web.exceptions import HTTPException
from framework.web.inputlimits import Limits, body_too_large
from framework.web.requests import ClientDisconnect, Request
from framework.web.templates import add_template_global

__all__ = [
    "SESSION_KEY",
    "CSRFMiddleware",
    "check_csrf_token",
    "csrf_input",
    "get_csrf_token",
    "rotate_csrf_token",
]

#: Where the secret lives in ``request.session``.
SESSION_KEY = "_csrf_secret"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_SECRET_BYTES = 32
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

MISSING_TOKEN = (
    "CSRF check failed: the request has no CSRF token. Send the csrf_token form field "
    "({{ csrf_input() }} in the form) or the X-CSRF-Token header."
)
WRONG_TOKEN = "CSRF check failed: the CSRF token is incorrect. Reload the page and try again."


def _session(request: HTTPConnection) -> Any:
    return request.session


def _secret(session: Any) -> bytes:
    """Return the session's CSRF secret, creating it on first use."""
    raw = session.get(SESSION_KEY)
    if isinstance(raw, str):
        try:
            secret = base64.urlsafe_b64decode(raw.encode("ascii"))
            if len(secret) == _SECRET_BYTES:
                return secret
        except (binascii.Error, ValueError, UnicodeError):
            pass
    secret = secrets.token_bytes(_SECRET_BYTES)
    session[SESSION_KEY] = base64.urlsafe_b64encode(secret).decode("ascii")
    return secret


def _mask(secret: bytes) -> str:
    mask = secrets.token_bytes(_SECRET_BYTES)
    masked = bytes(a ^ b for a, b in zip(mask, secret, strict=True))
    return base64.urlsafe_b64encode(mask + masked).decode("ascii").rstrip("=")


def _unmask(token: str) -> bytes | None:
    try:
        raw = base64.urlsafe_b64decode(token.strip() + "=" * (-len(token.strip()) % 4))
    except (binascii.Error, ValueError, UnicodeError):
        return None
    if len(raw) != 2 * _SECRET_BYTES:
        return None
    mask, masked = raw[:_SECRET_BYTES], raw[_SECRET_BYTES:]
    return bytes(a ^ b for a, b in zip(mask, masked, strict=True))


def get_csrf_token(request: HTTPConnection) -> str:
    """Return a (freshly masked) CSRF token for *request*'s session, for a form or header."""
    return _mask(_secret(_session(request)))


def rotate_csrf_token(request: HTTPConnection) -> str:
    """Give the session a new CSRF secret (at login) and return a token for it."""
    _session(request).pop(SESSION_KEY, None)
    return get_csrf_token(request)


def token_matches(session: Any, token: str | None) -> bool:
    """Return whether *token* belongs to *session* (constant-time comparison)."""
    raw = session.get(SESSION_KEY)
    if not token or not isinstance(raw, str):
        return False
    submitted = _unmask(token)
    if submitted is None:
        return False
    return hmac.compare_digest(submitted, base64.urlsafe_b64decode(raw.encode("ascii")))


def check_csrf_token(request: HTTPConnection, token: str | None) -> None:
    """Raise 403 unless *token* is *request*'s CSRF token (views that need it without cookie)."""
    if not token:
        raise HTTPException(403, MISSING_TOKEN)
    if not token_matches(_session(request), token):
        raise HTTPException(403, WRONG_TOKEN)


def csrf_input(request: HTTPConnection, field_name: str = "csrf_token") -> Markup:
    """Return the hidden ``<input>`` that carries the CSRF token in an HTML form."""
    token = escape(get_csrf_token(request))
    return Markup(f'<input type="hidden" name="{escape(field_name)}" value="{token}">')


def _template_csrf_input(context: Any) -> Markup:
    from framework.conf import settings

    return csrf_input(context["request"], settings.CSRF_FIELD_NAME)


def _template_csrf_token(context: Any) -> str:
    return get_csrf_token(context["request"])


add_template_global("csrf_input", _template_csrf_input, pass_context=True)
add_template_global("csrf_token", _template_csrf_token, pass_context=True)


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return _normalise(f"{parts.scheme}://{parts.netloc}")


def _normalise(origin: str) -> str:
    origin = origin.strip().lower().rstrip("/")
    for scheme, port in (("http", ":80"), ("https", ":443")):
        if origin.startswith(f"{scheme}://") and origin.endswith(port):
            return origin.removesuffix(port)
    return origin


class CSRFMiddleware:
    """Refuse (403) unsafe cookie-session requests without the token or from another origin.

    Put it after ``SessionMiddleware`` in MIDDLEWARE: it reads the session's secret. Form
    bodies are read here (within MAX_BODY_SIZE) to find the token field, and replayed to the
    app unchanged.
    """

    def __init__(
        self,
        app: ASGIApp,
        cookie_names: Sequence[str] = ("session", "remember_token"),
        field_name: str = "csrf_token",
        header_name: str = "X-CSRF-Token",
        trusted_origins: Sequence[str] = (),
        limits: Limits | None = None,
    ) -> None:
        self.app = app
        self.cookie_names = tuple(cookie_names)
        self.field_name = field_name
        self.header_name = header_name.lower().encode("latin-1")
        for origin in trusted_origins:
            if "://" not in origin:
                raise ImproperlyConfigured(
                    f"CSRF_TRUSTED_ORIGINS entries need a scheme ('https://{origin}'); "
                    f"got {origin!r}."
                )
        self.trusted = frozenset(_normalise(origin) for origin in trusted_origins)
        self.limits = limits or Limits()

    @classmethod
    def from_settings(cls, settings: Any) -> dict[str, Any] | None:
        """Read the CSRF settings; without a SECRET_KEY there are no sessions to protect."""
        if not settings.SECRET_KEY:
            return None
        return {
            "cookie_names": (settings.SESSION_COOKIE_NAME, settings.REMEMBER_COOKIE_NAME),
            "field_name": settings.CSRF_FIELD_NAME,
            "header_name": settings.CSRF_HEADER_NAME,
            "trusted_origins": list(settings.CSRF_TRUSTED_ORIGINS),
            "limits": Limits.from_settings(settings),
        }

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        """Check unsafe requests that carry the session cookie; pass the rest on as they are.

        Safe methods and requests without the cookie cost one test and no frame of their own.
        """
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            return self.app(scope, receive, send)
        cookie = None
        for name, value in scope.get("headers", ()):  # the last one, as a dict of them keeps
            if name == b"cookie":
                cookie = value
        if not self._has_cookie(cookie):
            return self.app(scope, receive, send)
        return self._protect(scope, dict(_headers(scope)), receive, send)

    async def _protect(
        self, scope: Scope, headers: dict[bytes, bytes], receive: Receive, send: Send
    ) -> None:
        try:
            receive, refusal = await self._check(scope, headers, receive)
        except ClientDisconnect:
            return  # nobody to answer
        except StarletteHTTPException as exc:  # the body was over the limit
            errors = getattr(exc, "errors", ())
            response = render_error(
                Request(scope), exc.status_code, str(exc.detail), errors, dict(exc.headers or {})
            )
            await response(scope, receive, send)
            return
        if refusal is not None:  # the route may still accept the request's header credentials
            defer_refusal(scope, refusal)
        await self.app(scope, receive, send)

    async def _check(
        self, scope: Scope, headers: dict[bytes, bytes], receive: Receive
    ) -> tuple[Receive, HTTPException | None]:
        """Return the *receive* to pass on and the 403 the request deserves, if any.

        The form body, when read here to find the token, is replayed by the returned
        *receive*.
        """
        try:
            self._check_origin(scope, headers)
        except HTTPException as refusal:
            return receive, refusal
        token = headers.get(self.header_name, b"").decode("latin-1") or None
        if token is None and _is_form(headers.get(b"content-type", b"")):
            body = await _read_body(receive, self.limits.max_body_size)
            receive = _replay(body, receive)
            token = await self._form_token(scope, body)
        session = scope.get("session")
        if session is None:
            raise ImproperlyConfigured(
                "CSRFMiddleware needs the session: put it after SessionMiddleware in MIDDLEWARE."
            )
        if not token:
            return receive, HTTPException(403, MISSING_TOKEN)
        if not token_matches(session.load(), token):
            return receive, HTTPException(403, WRONG_TOKEN)
        return receive, None

    def _has_cookie(self, raw: bytes | None) -> bool:
        if not raw:
            return False
        cookies = cookie_parser(raw.decode("latin-1"))
        return any(cookies.get(name) for name in self.cookie_names)

    def _check_origin(self, scope: Scope, headers: dict[bytes, bytes]) -> None:
        host = headers.get(b"host", b"").decode("latin-1")
        own = _normalise(f"{scope.get('scheme', 'http')}://{host}")
        raw_origin = headers.get(b"origin")
        if raw_origin is not None:
            origin = raw_origin.decode("latin-1")
            candidate = _origin_of(origin) if origin != "null" else None
            if candidate is None or (candidate != own and candidate not in self.trusted):
                raise HTTPException(
                    403,
                    f"CSRF check failed: the Origin {origin!r} is not this site. Add it to "
                    "CSRF_TRUSTED_ORIGINS if it should be trusted.",
                )
            return
        referer = headers.get(b"referer")
        if referer is not None:
            candidate = _origin_of(referer.decode("latin-1"))
            if candidate is not None and candidate != own and candidate not in self.trusted:
                raise HTTPException(
                    403,
                    f"CSRF check failed: the Referer's origin {candidate!r} is not this site.",
                )

    async def _form_token(self, scope: Scope, body: bytes) -> str | None:
        request = Request(scope, _replay(body, _no_more), limits=self.limits)
        async with request.form() as form:
            value = form.get(self.field_name)
            return value if isinstance(value, str) else None


def _headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    return list(scope.get("headers", ()))


def _is_form(content_type: bytes) -> bool:
    media = content_type.decode("latin-1").partition(";")[0].strip().lower()
    return media in _FORM_TYPES


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        body = message.get("body", b"")
        size += len(body)
        if limit and size > limit:
            raise body_too_large(limit)
        chunks.append(body)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _no_more() -> Message:
    return {"type": "http.disconnect"}
