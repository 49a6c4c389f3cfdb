"""``CORSMiddleware``: cross-origin requests, off until origins are listed (CORS_* settings).

Options use Dyne's ``cors_params`` names, and each has a setting: ``allow_origins``
(CORS_ALLOW_ORIGINS), ``allow_origin_regex`` (CORS_ALLOW_ORIGIN_REGEX), ``allow_methods``
(CORS_ALLOW_METHODS, default ``["GET"]``), ``allow_headers`` (CORS_ALLOW_HEADERS),
``allow_credentials`` (CORS_ALLOW_CREDENTIALS), ``expose_headers`` (CORS_EXPOSE_HEADERS) and
``max_age`` (CORS_MAX_AGE, default 60). ``"*"`` (or a regex that matches any origin) with
credentials is refused: it would let every site read responses made with the visitor's
cookies.

A refused preflight is a 403 (origin, headers) or 405 (method) naming the reason. Routes
with a policy of their own (``@cors``, ``@no_cors`` from ``framework.web``) are left to it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from starlette.datastructures import Headers
from starlette.middleware import cors as _starlette
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from framework.conf.security import cors_allows_any_origin
from framework.exceptions import ImproperlyConfigured
from framework.web.cors import has_own_policy
from framework.web.responses import JSONResponse

__all__ = ["CORS_PARAMS", "CORSMiddleware"]

#: The option names (Dyne's ``cors_params`` keys) and the setting each one comes from.
CORS_PARAMS = {
    "allow_origins": "CORS_ALLOW_ORIGINS",
    "allow_origin_regex": "CORS_ALLOW_ORIGIN_REGEX",
    "allow_methods": "CORS_ALLOW_METHODS",
    "allow_headers": "CORS_ALLOW_HEADERS",
    "allow_credentials": "CORS_ALLOW_CREDENTIALS",
    "expose_headers": "CORS_EXPOSE_HEADERS",
    "max_age": "CORS_MAX_AGE",
}


class CORSMiddleware(_starlette.CORSMiddleware):
    """Answer CORS preflights and add ``Access-Control-*`` headers for allowed origins."""

    def __init__(
        self,
        app: ASGIApp,
        allow_origins: Collection[str] = (),
        allow_methods: Collection[str] = ("GET",),
        allow_headers: Collection[str] = (),
        allow_credentials: bool = False,
        allow_origin_regex: str | None = None,
        expose_headers: Collection[str] = (),
        max_age: int = 60,
    ) -> None:
        if allow_credentials and cors_allows_any_origin(allow_origins, allow_origin_regex):
            raise ImproperlyConfigured(
                "CORS allows every origin ('*') together with credentials, so any site could "
                "read responses made with the visitor's cookies; list the origins in "
                "CORS_ALLOW_ORIGINS instead."
            )
        super().__init__(
            app,
            allow_origins=list(allow_origins),
            allow_methods=[method.upper() for method in allow_methods],
            allow_headers=list(allow_headers),
            allow_credentials=allow_credentials,
            allow_origin_regex=allow_origin_regex or None,
            expose_headers=list(expose_headers),
            max_age=int(max_age),
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Apply the app-wide policy, except to routes that have their own."""
        paths = getattr(scope.get("app"), "cors_paths", None)
        if paths is not None and paths.entries and scope["type"] == "http":
            headers = Headers(scope=scope)
            if "origin" in headers:
                preflight = scope["method"] == "OPTIONS" and (
                    "access-control-request-method" in headers
                )
                if has_own_policy(paths, scope, "OPTIONS" if preflight else scope["method"]):
                    await self.app(scope, receive, send)
                    return
        await super().__call__(scope, receive, send)

    def preflight_response(self, request_headers: Headers) -> Response:
        """Answer a preflight; a refusal is 403 (origin, headers) or 405 (method), with why."""
        response = super().preflight_response(request_headers)
        if response.status_code < 400:
            return response
        reasons = bytes(response.body).decode().removeprefix("Disallowed CORS ").split(", ")
        status = 405 if reasons == ["method"] else 403
        origin = request_headers.get("origin", "")
        method = request_headers.get("access-control-request-method", "")
        words = {
            "origin": f"the origin {origin!r}",
            "method": f"the method {method}",
            "headers": "the requested headers",
        }
        detail = "CORS: " + " and ".join(words.get(r, r) for r in reasons)
        detail += " is not allowed." if len(reasons) == 1 else " are not allowed."
        return JSONResponse({"detail": detail, "errors": []}, status_code=status)

    @classmethod
    def from_settings(cls, settings: Any) -> dict[str, Any] | None:
        """Read the CORS_* settings; without origins CORS stays off (not installed)."""
        options = {option: getattr(settings, key) for option, key in CORS_PARAMS.items()}
        if not options["allow_origins"] and not options["allow_origin_regex"]:
            return None
        return options
