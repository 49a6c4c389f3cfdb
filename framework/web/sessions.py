"""Signed-cookie sessions: ``request.session``, a dict the client keeps but cannot forge.

The cookie holds the session id and data as base64 JSON, signed (HMAC-SHA256, SECRET_KEY)
with a timestamp; cookies signed with a key of SECRET_KEY_FALLBACKS are still read. It is
HttpOnly, SameSite=Lax, Secure unless DEBUG (SESSION_COOKIE_*), and responses that read the
session say ``Vary: Cookie``. A cookie that is tampered with, signed
with another key, expired (older than SESSION_COOKIE_AGE since its last change), not base64,
not JSON or larger than 4096 bytes gives an empty session and is cleared — never an error.

The cookie is parsed only when a handler touches ``request.session``, and written only when
the session changed. ``session.rotate()`` gives the session a new id (call it at login,
against session fixation); ``session.clear()`` empties it and drops the cookie (logout).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import secrets
from collections.abc import Awaitable, Sequence
from typing import Any, Literal

import itsdangerous
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from framework.exceptions import ImproperlyConfigured
from framework.web.middleware.headers import HOOKS_KEY, HeaderHook, send_with_hook

__all__ = ["MAX_COOKIE_SIZE", "Session", "SessionMiddleware"]

logger = logging.getLogger("framework.web")

#: Browsers drop cookies larger than this (name, value and attributes together).
MAX_COOKIE_SIZE = 4096
_SALT = "framework.web.sessions"


def _new_id() -> str:
    return secrets.token_urlsafe(24)


class Session(dict[str, Any]):
    """Session data: a dict that records whether it was read or changed, with an ``id``."""

    def __init__(self, data: dict[str, Any] | None = None, session_id: str | None = None) -> None:
        super().__init__(data or {})
        self.id = session_id or _new_id()
        self.accessed = False
        self.modified = False

    def _changed(self) -> None:
        self.accessed = self.modified = True

    def __setitem__(self, key: str, value: Any) -> None:
        self._changed()
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self._changed()
        super().__delitem__(key)

    def pop(self, key: str, *default: Any) -> Any:
        """Remove *key* and return its value (or *default*)."""
        if key in self:
            self._changed()
        return super().pop(key, *default)

    def popitem(self) -> tuple[str, Any]:
        """Remove and return the last item."""
        self._changed()
        return super().popitem()

    def setdefault(self, key: str, default: Any = None) -> Any:
        """Return *key*'s value, setting it to *default* first if missing."""
        if key not in self:
            self._changed()
        return super().setdefault(key, default)

    def update(self, *args: Any, **kwargs: Any) -> None:
        """Update the session from a mapping or keyword arguments."""
        self._changed()
        super().update(*args, **kwargs)

    def clear(self) -> None:
        """Empty the session and give it a new id; the cookie is deleted (logout)."""
        self._changed()
        super().clear()
        self.id = _new_id()

    def rotate(self) -> None:
        """Keep the data under a new session id (call at login, against session fixation)."""
        self._changed()
        self.id = _new_id()


class _SessionState:
    """What the middleware puts in the scope: the ``Cookie`` header, parsed on first use.

    A request whose handler never reads the session costs no cookie parsing, no signature
    check and no response work: the header hook that may add ``Vary`` and ``Set-Cookie``
    is registered only when the session is loaded.
    """

    __slots__ = ("_cookie", "headers", "hooks", "invalid", "middleware", "session")

    def __init__(
        self,
        middleware: SessionMiddleware,
        headers: Sequence[tuple[bytes, bytes]],
        hooks: list[HeaderHook] | None,
    ) -> None:
        self.middleware = middleware
        #: The request's headers, searched for the cookie only when the session is read.
        self.headers = headers
        self.hooks = hooks
        self._cookie: str | Literal[False] | None = False  # False: not parsed yet
        self.session: Session | None = None
        self.invalid = False

    @property
    def cookie(self) -> str | None:
        """Return the session cookie's value (the last one sent), or None."""
        if self._cookie is False:
            self._cookie = self.middleware.find_cookie(self.headers)
        return self._cookie

    def load(self) -> Session:
        if self.session is None:
            cookie = self.cookie
            data = self.middleware.decode(cookie) if cookie is not None else None
            self.invalid = cookie is not None and data is None
            self.session = Session(*(data or (None, None)))
            if self.hooks is not None:
                self.hooks.append(self.add_headers)
        self.session.accessed = True
        return self.session

    def add_headers(self, headers: Any) -> list[tuple[bytes, bytes]]:
        """Return *headers* with what the session needs (``Vary``, ``Set-Cookie``)."""
        if self.session is None:
            return list(headers)
        return [*headers, *self.middleware.response_headers(self)]


class SessionMiddleware:
    """Keep ``request.session`` in a signed cookie."""

    def __init__(
        self,
        app: ASGIApp,
        secret_key: str,
        cookie_name: str = "session",
        max_age: int | None = 14 * 24 * 60 * 60,
        path: str = "/",
        domain: str | None = None,
        same_site: str = "lax",
        secure: bool = True,
        httponly: bool = True,
        secret_key_fallbacks: Sequence[str] = (),
    ) -> None:
        if not secret_key:
            raise ImproperlyConfigured("Sessions need a SECRET_KEY to sign the cookie; set one.")
        if same_site.lower() not in ("lax", "strict", "none"):
            raise ImproperlyConfigured(
                f"SESSION_COOKIE_SAMESITE must be 'lax', 'strict' or 'none'; got {same_site!r}."
            )
        self.app = app
        # itsdangerous signs with the last key and accepts any: older keys first.
        keys = [*reversed(secret_key_fallbacks), secret_key]
        self.signer = itsdangerous.TimestampSigner(keys, salt=_SALT, digest_method=hashlib.sha256)
        self.cookie_name = cookie_name
        self.max_age = max_age
        flags = f"; Path={path}"
        flags += f"; Max-Age={int(max_age)}" if max_age else ""
        flags += f"; Domain={domain}" if domain else ""
        flags += f"; SameSite={same_site.capitalize()}"
        flags += "; Secure" if secure else ""
        flags += "; HttpOnly" if httponly else ""
        self.flags = flags
        expire_flags = flags.replace(f"; Max-Age={int(max_age)}", "") if max_age else flags
        expired = f"{cookie_name}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
        self.delete_header = (b"set-cookie", f"{expired}{expire_flags}".encode("latin-1"))

    @classmethod
    def from_settings(cls, settings: Any) -> dict[str, Any] | None:
        """Read SECRET_KEY and SESSION_COOKIE_*; without a SECRET_KEY sessions are off.

        A weak key with DEBUG off stops the app from starting, as ``get_asgi_application``
        does for projects: an App used alone never runs the system checks, and a guessable
        key lets anyone forge a session.
        """
        if not settings.SECRET_KEY:
            return None
        if not settings.DEBUG:
            from framework.conf.security import SECRET_KEY_HINT, secret_key_problem

            problem = secret_key_problem(settings.SECRET_KEY)
            if problem is not None:
                raise ImproperlyConfigured(
                    f"Refusing to start: {problem} and DEBUG is off, so session cookies could "
                    f"be forged. {SECRET_KEY_HINT}"
                )
        from framework.conf.security import signing_keys

        secure = settings.SESSION_COOKIE_SECURE
        key, *fallbacks = signing_keys(settings)
        return {
            "secret_key": key,
            "secret_key_fallbacks": fallbacks,
            "cookie_name": settings.SESSION_COOKIE_NAME,
            "max_age": settings.SESSION_COOKIE_AGE or None,
            "path": settings.SESSION_COOKIE_PATH,
            "domain": settings.SESSION_COOKIE_DOMAIN or None,
            "same_site": settings.SESSION_COOKIE_SAMESITE,
            "secure": (not settings.DEBUG) if secure is None else bool(secure),
            "httponly": bool(settings.SESSION_COOKIE_HTTPONLY),
        }

    # -- encoding -------------------------------------------------------------------------

    def encode(self, session: Session) -> str:
        """Return the signed cookie value for *session*."""
        payload = json.dumps({"id": session.id, "data": dict(session)}, separators=(",", ":"))
        data = base64.urlsafe_b64encode(payload.encode("utf-8"))
        return self.signer.sign(data).decode("ascii")

    def decode(self, cookie: str) -> tuple[dict[str, Any], str] | None:
        """Return ``(data, id)`` from a cookie value, or None if it cannot be trusted."""
        if len(cookie) > MAX_COOKIE_SIZE:
            return None
        try:
            data = self.signer.unsign(cookie.encode("latin-1"), max_age=self.max_age)
            payload = json.loads(base64.urlsafe_b64decode(data))
        except (itsdangerous.BadData, binascii.Error, ValueError, UnicodeError, RecursionError):
            return None
        if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
            return None
        session_id = payload.get("id")
        return payload["data"], session_id if isinstance(session_id, str) else _new_id()

    # -- ASGI -----------------------------------------------------------------------------

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        """Put the (unparsed) session in the scope and pass the request on, adding no frame."""
        if scope["type"] not in ("http", "websocket"):
            return self.app(scope, receive, send)
        # header_hooks() inlined: saves a call per request.
        hooks = scope.get(HOOKS_KEY) if scope["type"] == "http" else None
        state = _SessionState(self, scope["headers"], hooks)
        scope["session"] = state
        if scope["type"] == "websocket" or hooks is not None:
            return self.app(scope, receive, send)
        return self.app(scope, receive, send_with_hook(send, state.add_headers))

    def find_cookie(self, headers: Sequence[tuple[bytes, bytes]]) -> str | None:
        """Return the value of this session's cookie in the request's *headers*."""
        cookie = None
        for name, value in headers:
            if name == b"cookie":
                found = cookie_parser(value.decode("latin-1")).get(self.cookie_name)
                cookie = found if found is not None else cookie
        return cookie

    def response_headers(self, state: _SessionState) -> list[tuple[bytes, bytes]]:
        """Return the headers a loaded session adds to the response."""
        session = state.session
        assert session is not None
        headers = [(b"vary", b"Cookie")] if session.accessed else []
        if session.modified and session:
            value = f"{self.cookie_name}={self.encode(session)}{self.flags}"
            if len(value) <= MAX_COOKIE_SIZE:
                headers.append((b"set-cookie", value.encode("latin-1")))
            else:
                logger.error(
                    "The session was not saved: its cookie would be %d bytes, more than the "
                    "%d a browser keeps. Store less in request.session (ids, not objects).",
                    len(value),
                    MAX_COOKIE_SIZE,
                )
        elif state.invalid or (session.modified and state.cookie is not None):
            headers.append(self.delete_header)
        return headers
