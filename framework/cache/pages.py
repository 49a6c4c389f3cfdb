"""``@cache_page(seconds)``: serve a route's response from the cache while it is fresh.

::

    @get("/products")
    @cache_page(60)
    async def products(self, request):
        return await Product.query().all()

What is stored: answers to GET (and HEAD, which reads GET's entry) with status 200 and a
body in memory (not streams, not files), keyed by the full URL and the values of the
request headers the response varies on (its ``Vary`` header plus ``vary=``). Never stored:
a response that sets a cookie, says ``Cache-Control: private``/``no-store``/``no-cache``, or
read the session — and a request with an ``Authorization`` header is neither served from
nor stored in the cache — unless the route names that header in ``vary=`` (``"Cookie"``,
``"Authorization"``): then each cookie or credential gets entries of its own.

Responses carry ``Cache-Control: max-age=<seconds left>``; one served from the cache also
carries ``Age``. When the cache is unreachable the route simply runs (fail open, logged).
Like Django's, the key is computed in two steps: the URL's entry lists the header names to
vary on; the response's key adds those headers' values (a page that varies on no header is
read in one round trip).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from starlette.responses import FileResponse, StreamingResponse
from starlette.responses import Response as StarletteResponse

from framework.cache.base import DEFAULT, BaseCache
from framework.cache.config import DEFAULT_ALIAS
from framework.web.pipeline import Call, handler_decorator
from framework.web.responses import to_response

__all__ = ["cache_page"]

F = TypeVar("F", bound=Callable[..., Any])
_UNCACHEABLE = ("private", "no-store", "no-cache")
_DROPPED_HEADERS = {b"set-cookie", b"age", b"date"}
CACHE_PAGE = handler_decorator(
    "@cache_page",
    kinds=("http",),
    why_not="only whole responses are cached, not WebSocket or event streams",
)


def _header_names(values: Iterable[str]) -> list[str]:
    names = {part.strip().lower() for value in values for part in value.split(",")}
    return sorted(name for name in names if name)


def _url_key(prefix: str, request: Any) -> str:
    digest = hashlib.sha256(str(request.url).encode("utf-8", "surrogateescape")).hexdigest()
    return f"page:{prefix}:{digest}"


def _response_key(url_key: str, request: Any, names: list[str]) -> str:
    values = "\n".join(f"{name}:{request.headers.get(name, '')}" for name in names)
    return f"{url_key}:{hashlib.sha256(values.encode('utf-8', 'surrogateescape')).hexdigest()}"


def _session_was_read(request: Any) -> bool:
    state = request.scope.get("session")
    session = getattr(state, "session", None)
    return bool(getattr(session, "accessed", False))


class PagePolicy:
    """What one ``@cache_page`` stores and where."""

    def __init__(self, seconds: float, alias: str, vary: Iterable[str], key_prefix: str) -> None:
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds <= 0:
            raise ValueError(f"cache_page needs a number of seconds above 0; got {seconds!r}.")
        self.seconds = seconds
        self.alias = alias
        self.vary = _header_names(vary)
        self.key_prefix = key_prefix

    def backend(self) -> BaseCache:
        from framework.cache.registry import caches

        return caches[self.alias]

    def bypasses(self, request: Any) -> bool:
        """Return whether *request* must neither read nor fill the cache."""
        if request.method not in ("GET", "HEAD"):
            return True
        return "authorization" in request.headers and "authorization" not in self.vary

    def storable(self, request: Any, response: StarletteResponse) -> bool:
        """Return whether *response* may be stored for other requests."""
        if response.status_code != 200 or isinstance(response, StreamingResponse | FileResponse):
            return False
        headers = response.headers
        if "set-cookie" in headers:
            return False
        control = headers.get("cache-control", "").lower()
        if any(word in control for word in _UNCACHEABLE):
            return False
        varies = _header_names(headers.getlist("vary"))
        if "*" in varies:
            return False
        return not (_session_was_read(request) and "cookie" not in self.vary + varies)

    def url_key(self, request: Any) -> str:
        """Return the key of the header list stored for *request*'s URL."""
        return _url_key(self.key_prefix, request)

    async def lookup(self, request: Any, url_key: str) -> StarletteResponse | None:
        """Return the stored response for *request*, or None."""
        backend = self.backend()
        # One round trip for the usual page that varies on no header: its entry's key is
        # known without the header list, so both are fetched together.
        plain_key = _response_key(url_key, request, [])
        found = await backend.aget_many([url_key, plain_key])
        names = found.get(url_key, DEFAULT)
        if names is DEFAULT:
            return None
        entry = found.get(plain_key, DEFAULT) if not names else DEFAULT
        if names:
            entry = await backend.aget(_response_key(url_key, request, names), DEFAULT)
        if entry is DEFAULT:
            return None
        status, headers, body, stored_at, expires = entry
        response = StarletteResponse(body, status_code=status)
        response.raw_headers = list(headers)
        now = time.time()
        response.headers["age"] = str(max(0, int(now - stored_at)))
        response.headers["cache-control"] = f"max-age={max(0, math.ceil(expires - now))}"
        return response

    async def store(self, request: Any, response: StarletteResponse, url_key: str) -> None:
        """Store *response* for the requests that share its URL and varying headers."""
        backend = self.backend()
        names = _header_names([*self.vary, *response.headers.getlist("vary")])
        headers = [(k, v) for k, v in response.raw_headers if k not in _DROPPED_HEADERS]
        now = time.time()
        entry = (response.status_code, headers, response.body, now, now + self.seconds)
        response_key = _response_key(url_key, request, names)
        await backend.aset_many({url_key: names, response_key: entry}, self.seconds)


def cache_page(
    seconds: float,
    *,
    cache: str = DEFAULT_ALIAS,
    vary: Iterable[str] = (),
    key_prefix: str = "",
) -> Callable[[F], F]:
    """Cache the route's 200 answers to GET/HEAD for *seconds* (see the module docstring).

    On a Controller class it applies to every route of the class and its subclasses.

    *cache* names the alias; *vary* adds request headers to the key (``"Accept-Language"``;
    ``"Cookie"`` or ``"Authorization"`` to allow per-user entries); *key_prefix* separates
    routes that share URLs (rarely needed).
    """
    policy = PagePolicy(seconds, cache, vary, key_prefix)

    def step(call: Call) -> Call:
        async def run(request: Any, kwargs: dict[str, Any]) -> Any:
            if policy.bypasses(request):
                return await call(request, kwargs)
            url_key = policy.url_key(request)
            cached = await policy.lookup(request, url_key)
            if cached is not None:
                return cached
            response = to_response(await call(request, kwargs))
            if policy.storable(request, response):
                response.headers.setdefault("cache-control", f"max-age={math.ceil(seconds)}")
                await policy.store(request, response, url_key)
            return response

        return run

    def decorator(target: F) -> F:
        CACHE_PAGE.apply(target, step).meta["cache_page"] = policy
        return target

    return decorator
