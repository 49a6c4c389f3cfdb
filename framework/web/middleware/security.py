"""Security headers, HSTS and the HTTPS redirect.

``SecurityHeadersMiddleware`` adds SECURE_HEADERS to every response that does not set them
itself (defaults: ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY``,
``Referrer-Policy: same-origin``, ``Cross-Origin-Opener-Policy: same-origin``) and, on HTTPS
requests, ``Strict-Transport-Security`` when SECURE_HSTS_SECONDS is set.
``HTTPSRedirectMiddleware`` sends plain-HTTP requests to HTTPS when SECURE_SSL_REDIRECT is on.
Behind a proxy, run the server with ``--proxy-headers`` so the scheme is the client's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import Any

from starlette.datastructures import URL
from starlette.types import ASGIApp, Receive, Scope, Send

from framework.web.middleware.headers import HOOKS_KEY, send_with_hook
from framework.web.responses import RedirectResponse

__all__ = ["HTTPSRedirectMiddleware", "SecurityHeadersMiddleware"]


def _header(name: str, value: str) -> tuple[bytes, bytes]:
    if any(char in value for char in "\r\n\0"):
        raise ValueError(f"The value of header {name!r} contains a line break or NUL.")
    return name.lower().encode("latin-1"), value.encode("latin-1")


class SecurityHeadersMiddleware:
    """Add the security headers (and HSTS on HTTPS) unless the response already has them."""

    def __init__(
        self,
        app: ASGIApp,
        headers: Mapping[str, str] | None = None,
        hsts_seconds: int = 0,
        hsts_include_subdomains: bool = False,
        hsts_preload: bool = False,
    ) -> None:
        self.app = app
        self.headers = tuple(
            _header(name, value) for name, value in (headers or {}).items() if value
        )
        self.hsts: tuple[bytes, bytes] | None = None
        # The hooks are made once, with the headers encoded: a request only appends one.
        self.add = self.add_https = _AddHeaders(self.headers)
        if hsts_seconds:
            value = f"max-age={int(hsts_seconds)}"
            value += "; includeSubDomains" if hsts_include_subdomains else ""
            value += "; preload" if hsts_preload else ""
            self.hsts = _header("Strict-Transport-Security", value)
            self.add_https = _AddHeaders((*self.headers, self.hsts))

    @classmethod
    def from_settings(cls, settings: Any) -> dict[str, Any] | None:
        """Read SECURE_HEADERS and SECURE_HSTS_*; nothing to add means not installed."""
        headers = dict(settings.SECURE_HEADERS or {})
        hsts_seconds = int(settings.SECURE_HSTS_SECONDS or 0)
        if not any(headers.values()) and not hsts_seconds:
            return None
        return {
            "headers": headers,
            "hsts_seconds": hsts_seconds,
            "hsts_include_subdomains": bool(settings.SECURE_HSTS_INCLUDE_SUBDOMAINS),
            "hsts_preload": bool(settings.SECURE_HSTS_PRELOAD),
        }

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        """Pass the request on; the headers join the response start through a header hook.

        A plain function returning the next app's awaitable: this middleware adds no frame.
        """
        if scope["type"] != "http":
            return self.app(scope, receive, send)
        hook = self.add_https if scope.get("scheme") == "https" else self.add
        hooks = scope.get(HOOKS_KEY)  # header_hooks() inlined: saves a call
        if hooks is not None:
            hooks.append(hook)
            return self.app(scope, receive, send)
        return self.app(scope, receive, send_with_hook(send, hook))


class _AddHeaders:
    """The header hook: the response's headers plus each of *extra* they lack.

    The handler's value wins. ASGI header names are lower-case. A new list, so a reused
    Response is unchanged.
    """

    __slots__ = ("extra", "names")

    def __init__(self, extra: tuple[tuple[bytes, bytes], ...]) -> None:
        self.extra = extra
        self.names = frozenset(name for name, _ in extra)

    def __call__(self, headers: Any) -> list[tuple[bytes, bytes]]:
        names = self.names
        for name, _ in headers:  # a plain loop: this runs on every response
            if name in names:
                present = {name for name, _ in headers}
                return [*headers, *(header for header in self.extra if header[0] not in present)]
        return [*headers, *self.extra]


class HTTPSRedirectMiddleware:
    """Redirect ``http://`` requests to ``https://`` (301 for GET/HEAD, 308 otherwise)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    @classmethod
    def from_settings(cls, settings: Any) -> dict[str, Any] | None:
        """Install only when SECURE_SSL_REDIRECT is on (off, it is not in the stack at all)."""
        return {} if settings.SECURE_SSL_REDIRECT else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope.get("scheme") in ("https", "wss"):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": "Use wss://"})
            return
        url = URL(scope=scope)
        netloc = url.netloc.removesuffix(":80")
        target = url.replace(scheme="https", netloc=netloc)
        status = 301 if scope["method"] in ("GET", "HEAD") else 308
        await RedirectResponse(str(target), status)(scope, receive, send)
