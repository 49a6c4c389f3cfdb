"""Per-route CORS: ``@cors(...)`` gives a route (or a whole controller) its own policy.

::

    @get("/public")
    @cors(allow_origins=["https://app.example"], allow_methods=["GET", "POST"])
    async def public(request): ...

    @post("/internal")
    @no_cors                       # never cross-origin, whatever CORS_* allow
    async def internal(request): ...

A route with a policy is left alone by the app-wide ``CORSMiddleware`` (CORS_* settings):
its preflight (``OPTIONS`` with ``Access-Control-Request-Method``) is answered by a route the
build adds beside it, and its actual requests are checked by a pipeline step. A request the
policy does not allow is refused with the reason: 403 for an origin or headers, 405 for a
method. ``@no_cors`` refuses every preflight and never adds ``Access-Control-*`` headers, so
browsers keep other sites from reading its answers. Options default to the CORS_* settings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.datastructures import Headers
from starlette.routing import BaseRoute, Route
from starlette.types import Scope

from framework.conf.security import cors_allows_any_origin
from framework.exceptions import ImproperlyConfigured
from framework.web.exceptions import HTTPException
from framework.web.pipeline import Call, EndpointSpec, handler_decorator
from framework.web.responses import Response, to_response

__all__ = ["CORSPolicy", "PolicyPaths", "cors", "has_own_policy", "no_cors", "preflight_routes"]

F = TypeVar("F", bound=Callable[..., Any])
META_KEY = "cors"
_SAFELISTED_HEADERS = frozenset({"accept", "accept-language", "content-language", "content-type"})
_WHY_NOT = "browsers do not apply CORS to WebSockets; use check_origin or WEBSOCKET_ALLOWED_ORIGINS"

CORS = handler_decorator("@cors", kinds=("http", "sse"), why_not=_WHY_NOT)
NO_CORS = handler_decorator("@no_cors", kinds=("http", "sse"), why_not=_WHY_NOT)


@dataclass(frozen=True)
class CORSPolicy:
    """One route's CORS policy; ``enabled=False`` is ``@no_cors``."""

    enabled: bool = True
    allow_origins: tuple[str, ...] | None = None
    allow_methods: tuple[str, ...] | None = None
    allow_headers: tuple[str, ...] | None = None
    expose_headers: tuple[str, ...] | None = None
    allow_credentials: bool | None = None
    max_age: int | None = None
    allow_origin_regex: str | None = None
    _regex: Any = field(default=None, compare=False, repr=False)

    def resolved(self, settings: Any) -> CORSPolicy:
        """Return the policy with every unset option taken from the CORS_* settings."""
        if not self.enabled:
            return self
        regex = self.allow_origin_regex
        if self.allow_origins is None and regex is None:
            regex = settings.CORS_ALLOW_ORIGIN_REGEX or None
        return CORSPolicy(
            allow_origins=_pick(self.allow_origins, settings.CORS_ALLOW_ORIGINS),
            allow_methods=tuple(
                m.upper() for m in _pick(self.allow_methods, settings.CORS_ALLOW_METHODS)
            ),
            allow_headers=tuple(
                h.lower() for h in _pick(self.allow_headers, settings.CORS_ALLOW_HEADERS)
            ),
            expose_headers=_pick(self.expose_headers, settings.CORS_EXPOSE_HEADERS),
            allow_credentials=bool(
                settings.CORS_ALLOW_CREDENTIALS
                if self.allow_credentials is None
                else self.allow_credentials
            ),
            max_age=int(settings.CORS_MAX_AGE if self.max_age is None else self.max_age),
            allow_origin_regex=regex,
            _regex=re.compile(regex) if regex else None,
        )

    # -- the checks (on a resolved policy) -------------------------------------------------

    def origin_allowed(self, origin: str) -> bool:
        """Return whether *origin* may read this route's answers."""
        if "*" in (self.allow_origins or ()) or origin in (self.allow_origins or ()):
            return True
        return self._regex is not None and self._regex.fullmatch(origin) is not None

    def refusal(self, origin: str, method: str, headers: Collection[str]) -> HTTPException | None:
        """Return why a cross-origin request is refused (403 or 405), or None."""
        if not self.enabled:
            return HTTPException(403, "CORS: cross-origin requests are disabled for this route.")
        if not self.origin_allowed(origin):
            return HTTPException(403, f"CORS: the origin {origin!r} is not allowed here.")
        methods = self.allow_methods or ()
        if "*" not in methods and method not in methods:
            return HTTPException(
                405,
                f"CORS: the method {method} is not allowed here; allowed: {', '.join(methods)}.",
                headers={"Allow": ", ".join(methods)},
            )
        allowed = set(self.allow_headers or ()) | _SAFELISTED_HEADERS
        refused = sorted(h for h in headers if h not in allowed and "*" not in allowed)
        if refused:
            return HTTPException(403, f"CORS: the header(s) {', '.join(refused)} are not allowed.")
        return None

    def headers(self, origin: str, *, preflight: bool) -> dict[str, str]:
        """Return the ``Access-Control-*`` headers of an allowed request from *origin*."""
        any_origin = "*" in (self.allow_origins or ()) and not self.allow_credentials
        headers = {"Access-Control-Allow-Origin": "*" if any_origin else origin}
        if not any_origin:
            headers["Vary"] = "Origin"
        if self.allow_credentials:
            headers["Access-Control-Allow-Credentials"] = "true"
        if preflight:
            headers["Access-Control-Allow-Methods"] = ", ".join(self.allow_methods or ())
            if self.allow_headers:
                headers["Access-Control-Allow-Headers"] = ", ".join(self.allow_headers)
            headers["Access-Control-Max-Age"] = str(self.max_age)
        elif self.expose_headers:
            headers["Access-Control-Expose-Headers"] = ", ".join(self.expose_headers)
        return headers


def _pick(value: Sequence[str] | None, default: Sequence[str]) -> tuple[str, ...]:
    return tuple(default if value is None else value)


def _tuple(value: Sequence[str] | None, option: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        raise ImproperlyConfigured(f"@cors({option}=...) takes a list; got the string {value!r}.")
    return tuple(value)


def cors(
    *,
    allow_origins: Sequence[str] | None = None,
    allow_methods: Sequence[str] | None = None,
    allow_headers: Sequence[str] | None = None,
    expose_headers: Sequence[str] | None = None,
    allow_credentials: bool | None = None,
    max_age: int | None = None,
    allow_origin_regex: str | None = None,
) -> Callable[[F], F]:
    """Give a route or a Controller class its own CORS policy (unset options: CORS_*)."""
    if allow_credentials and cors_allows_any_origin(allow_origins or (), allow_origin_regex):
        raise ImproperlyConfigured(
            "@cors allows every origin ('*') together with credentials, so any site could read "
            "answers made with the visitor's cookies; list the origins instead."
        )
    policy = CORSPolicy(
        allow_origins=_tuple(allow_origins, "allow_origins"),
        allow_methods=_tuple(allow_methods, "allow_methods"),
        allow_headers=_tuple(allow_headers, "allow_headers"),
        expose_headers=_tuple(expose_headers, "expose_headers"),
        allow_credentials=allow_credentials,
        max_age=max_age,
        allow_origin_regex=allow_origin_regex,
    )
    return _declare(policy, CORS)


def no_cors(target: F) -> F:
    """Refuse cross-origin use of a route or a Controller class, whatever CORS_* allow."""
    return _declare(CORSPolicy(enabled=False), NO_CORS)(target)


def _declare(policy: CORSPolicy, decorator: Any) -> Callable[[F], F]:
    def step(call: Call) -> Call:
        from framework.conf import settings

        resolved = policy.resolved(settings)  # once, when the app is built

        async def run(request: Any, kwargs: dict[str, Any]) -> Any:
            origin = request.headers.get("origin")
            if origin is None or _same_origin(request.scope, origin):
                return await call(request, kwargs)
            # Headers were vetted by the preflight; browsers add others themselves.
            method = "GET" if request.method == "HEAD" else request.method
            refusal = resolved.refusal(origin, method, ())
            if refusal is not None:
                raise refusal
            response = to_response(await call(request, kwargs))
            for name, value in resolved.headers(origin, preflight=False).items():
                if name == "Vary" and "vary" in response.headers:
                    response.headers["Vary"] = f"{response.headers['vary']}, {value}"
                else:
                    response.headers[name] = value
            return response

        return run

    def apply(target: F) -> F:
        spec = decorator.apply(target, step)
        spec.meta[META_KEY] = policy
        return target

    return apply


def _same_origin(scope: Scope, origin: str) -> bool:
    """Return whether *origin* is the request's own (browsers send it on same-site POSTs)."""
    host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
    return origin.lower() == f"{scope.get('scheme', 'http')}://{host}".lower()


# -- preflights, and the app-wide middleware's question ------------------------------------------


class _Preflight:
    """Answer the preflights of one path for the routes (by method) that have a policy."""

    def __init__(self, policies: dict[str, CORSPolicy]) -> None:
        self.policies = policies

    async def answer(self, request: Any) -> Response:
        """Answer the preflight *request* with the policy's headers, or refuse it."""
        origin = request.headers.get("origin")
        method = request.headers.get("access-control-request-method", "").upper()
        if origin is None or not method:
            raise HTTPException(
                400,
                "An OPTIONS request here must be a CORS preflight (Origin and "
                "Access-Control-Request-Method headers).",
            )
        policy = self.policies.get(method) or next(iter(self.policies.values()))
        requested = request.headers.get("access-control-request-headers", "")
        names = [name.strip().lower() for name in requested.split(",") if name.strip()]
        refusal = policy.refusal(origin, method, names)
        if refusal is not None:
            raise refusal
        return Response(status_code=204, headers=policy.headers(origin, preflight=True))


def _route_policy(route: BaseRoute, settings: Any) -> CORSPolicy | None:
    spec = getattr(route, "spec", None)
    policy = spec.meta.get(META_KEY) if isinstance(spec, EndpointSpec) else None
    return policy.resolved(settings) if isinstance(policy, CORSPolicy) else None


@dataclass(frozen=True)
class PolicyPaths:
    """Where routes have a CORS policy of their own, so the app-wide middleware skips them.

    Each entry is ``(host regex, path regex, methods)``; the host regex is that of the
    ``router.host(...)`` serving the route, None for the app's other routes. *hosts* holds
    every host route's regex: a host route answers every path of its host, so a request to
    that host is never served by the other routes' policies.
    """

    entries: tuple[tuple[re.Pattern[str] | None, re.Pattern[str], frozenset[str]], ...] = ()
    hosts: tuple[re.Pattern[str], ...] = ()


def preflight_routes(
    routes: list[BaseRoute], settings: Any, host: re.Pattern[str] | None = None
) -> tuple[list[BaseRoute], PolicyPaths]:
    """Return *routes* with an OPTIONS route before each path where a route has a policy.

    Also return where those policies apply (for the routes of the host matched by *host*,
    or the app's own routes), so the app-wide ``CORSMiddleware`` leaves those requests to
    the routes (:func:`has_own_policy`).
    """
    by_path: dict[str, dict[str, CORSPolicy]] = {}
    regexes: dict[str, re.Pattern[str]] = {}
    for route in routes:
        policy = _route_policy(route, settings)
        if policy is not None and isinstance(route, Route):
            by_path.setdefault(route.path, {}).update(dict.fromkeys(route.methods or (), policy))
            regexes[route.path] = route.path_regex
    extra: list[BaseRoute] = [
        Route(path, _Preflight(policies).answer, methods=["OPTIONS"], include_in_schema=False)
        for path, policies in by_path.items()
    ]
    entries = tuple(
        (host, regexes[path], frozenset(policies) | {"OPTIONS"})
        for path, policies in by_path.items()
    )
    return extra + routes, PolicyPaths(entries)


def has_own_policy(paths: PolicyPaths, scope: Scope, method: str) -> bool:
    """Return whether a route with its own policy serves *method* on the scope's path."""
    if not paths.entries:
        return False
    served_by = _host_route_of(paths.hosts, scope) if paths.hosts else None
    path = scope["path"]
    return any(
        host is served_by and method in methods and regex.match(path)
        for host, regex, methods in paths.entries
    )


def _host_route_of(hosts: Sequence[re.Pattern[str]], scope: Scope) -> re.Pattern[str] | None:
    """Return the regex of the host route that answers *scope* (as Starlette's Host matches)."""
    host = Headers(scope=scope).get("host", "").split(":")[0]
    return next((regex for regex in hosts if regex.match(host)), None)
