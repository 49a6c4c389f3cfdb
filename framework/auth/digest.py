"""HTTP Digest authentication (RFC 7616, ``qop="auth"``): the password never crosses the wire.

``get_password(username)`` returns the password — or, with ``use_ha1=True``, the
precomputed ``HA1 = H(username:realm:password)``, so no plain password is stored. Nonces are
stateless by default: a timestamp and random bytes signed with SECRET_KEY, valid for
*nonce_max_age* seconds; an older one that is otherwise correct gets a new challenge with
``stale=true``, so the client retries without asking the user again. Each nonce count
(``nc``) is accepted once: a replayed request gets 401.

The replay record lives in the cache RATELIMIT_CACHE names: with a shared one (Redis, the
database) a captured request replayed to any worker or host is refused. Nonces signed with
a key of SECRET_KEY_FALLBACKS stay valid; failed responses count against LOGIN_THROTTLE.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.request import parse_http_list, parse_keqv_list

from starlette.requests import HTTPConnection

from framework.auth.backends import DEFAULT_REALM, AuthBackend, quote_header_value
from framework.auth.roles import call_hook
from framework.auth.throttling import login_throttle
from framework.cache.base import CacheUnavailableError
from framework.exceptions import ImproperlyConfigured
from framework.web.exceptions import HTTPException

__all__ = ["DigestAuth", "NonceCounter", "digest_ha1"]

F = TypeVar("F", bound=Callable[..., Any])
_ALGORITHMS: dict[str, Callable[..., Any]] = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}
_STALE = "framework.auth.digest_stale"
_REQUIRED = ("username", "realm", "nonce", "uri", "response")


def digest_ha1(username: str, realm: str, password: str, algorithm: str = "MD5") -> str:
    """Return ``H(username:realm:password)``, what ``use_ha1=True`` stores instead of passwords."""
    digest = _ALGORITHMS[algorithm]
    return str(digest(f"{username}:{realm}:{password}".encode()).hexdigest())


class NonceCounter:
    """Accept each nonce count (``nc``) of a nonce once, in the shared cache.

    The record is an ``aadd`` of ``digest:<nonce>:<nc>`` in the cache RATELIMIT_CACHE names,
    kept twice the nonce lifetime: atomic, so a request replayed to any process or host
    that shares the cache is refused. When the cache is down the request is refused with
    503 (fail closed): a replay cannot be ruled out.
    """

    def __init__(self, max_age: float) -> None:
        self.max_age = max_age

    async def accept(self, nonce: str, count: int) -> bool:
        """Record *count* for *nonce*; return False if it was seen before."""
        from framework.cache.registry import caches
        from framework.conf import settings

        digest = hashlib.sha256(nonce.encode("utf-8", "surrogateescape")).hexdigest()
        cache = caches[str(settings.RATELIMIT_CACHE)]
        try:
            return await cache.aadd(f"digest:{digest}:{count}", 1, timeout=self.max_age * 2)
        except CacheUnavailableError as exc:
            raise HTTPException(
                503,
                "Authentication is unavailable right now; try again shortly.",
                headers={"Retry-After": "5"},
            ) from exc


_HASHING_NAMES = frozenset({"md5", "sha256", "hexdigest", "digest_ha1", "ha1"})


def _computes_ha1(func: Callable[..., Any]) -> bool:
    """Return whether *func* looks like it returns HA1 (by its name or the names it calls)."""
    code = getattr(getattr(func, "__func__", func), "__code__", None)
    if "ha1" in getattr(func, "__name__", "").lower():
        return True
    names: set[str] = set()
    stack = [code] if code is not None else []
    while stack:
        current = stack.pop()
        names.update(current.co_names)
        stack.extend(c for c in current.co_consts if hasattr(c, "co_names"))
    return bool(names & _HASHING_NAMES)


class DigestAuth(AuthBackend):
    """Digest authentication with replay protection and stale-nonce handling."""

    scheme = "Digest"
    ambient = True

    def __init__(
        self,
        realm: str = DEFAULT_REALM,
        *,
        use_ha1: bool = False,
        algorithm: str = "MD5",
        nonce_max_age: float = 300.0,
    ) -> None:
        super().__init__(realm)
        if algorithm not in _ALGORITHMS:
            raise ValueError(f"algorithm must be one of {sorted(_ALGORITHMS)}; got {algorithm!r}.")
        self.use_ha1 = use_ha1
        self.algorithm = algorithm
        self.nonce_max_age = nonce_max_age
        self.counter = NonceCounter(nonce_max_age)
        self._get_password: Callable[..., Any] | None = None
        self._load_user: Callable[..., Any] | None = None
        self._generate_nonce: Callable[..., Any] | None = None
        self._verify_nonce: Callable[..., Any] | None = None
        self._generate_opaque: Callable[..., Any] | None = None
        self._verify_opaque: Callable[..., Any] | None = None

    # -- hooks ------------------------------------------------------------------------------

    def get_password(self, func: F) -> F:
        """Register ``func(username) -> password`` (HA1 with ``use_ha1=True``; None: unknown)."""
        if not self.use_ha1 and _computes_ha1(func):
            raise ImproperlyConfigured(
                f"{func.__qualname__} returns an HA1 hash (it computes a digest), but this "
                "DigestAuth compares passwords: every login would fail with 401. Create it with "
                f"DigestAuth(realm={self.realm!r}, use_ha1=True)."
            )
        self._get_password = func
        return func

    def load_user(self, func: F) -> F:
        """Register ``func(username) -> user`` for ``request.state.user`` (default: the name)."""
        self._load_user = func
        return func

    def generate_nonce(self, func: F) -> F:
        """Register ``func(request) -> nonce`` instead of the signed, timestamped default."""
        self._generate_nonce = func
        return func

    def verify_nonce(self, func: F) -> F:
        """Register ``func(request, nonce) -> bool`` to go with ``generate_nonce``."""
        self._verify_nonce = func
        return func

    def generate_opaque(self, func: F) -> F:
        """Register ``func(request) -> opaque``."""
        self._generate_opaque = func
        return func

    def verify_opaque(self, func: F) -> F:
        """Register ``func(request, opaque) -> bool``."""
        self._verify_opaque = func
        return func

    # -- nonces -----------------------------------------------------------------------------

    def _sign(self, value: str, secret: str | None = None) -> str:
        from framework.conf import settings

        secret = settings.SECRET_KEY if secret is None else secret
        key = f"framework.auth.digest:{secret}".encode()
        return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()

    def _signed(self, value: str, signature: str) -> bool:
        """Return whether *signature* signs *value* with SECRET_KEY or a fallback key."""
        from framework.conf.security import signing_keys

        # Bytes: compare_digest refuses str with non-ASCII characters (a header may hold any).
        given = signature.encode("utf-8", "replace")
        return any(
            hmac.compare_digest(given, self._sign(value, key).encode()) for key in signing_keys()
        )

    def _default_nonce(self) -> str:
        value = f"{time.time():.6f}:{secrets.token_hex(8)}"
        return f"{value}:{self._sign(value)}"

    def _nonce_state(self, nonce: str) -> str:
        """Return ``"valid"``, ``"stale"`` or ``"invalid"`` for a default nonce."""
        value, _, signature = nonce.rpartition(":")
        if not value or not self._signed(value, signature):
            return "invalid"
        try:
            issued = float(value.partition(":")[0])
        except ValueError:
            return "invalid"
        age = time.time() - issued
        if age < -5:
            return "invalid"
        return "stale" if age > self.nonce_max_age else "valid"

    async def _new_nonce(self, request: HTTPConnection) -> str:
        if self._generate_nonce is not None:
            return str(await call_hook(self._generate_nonce, request))
        return self._default_nonce()

    async def _new_opaque(self, request: HTTPConnection) -> str:
        if self._generate_opaque is not None:
            return str(await call_hook(self._generate_opaque, request))
        return self._sign(f"opaque:{self.realm}")[:32]

    async def _check_nonce(self, request: HTTPConnection, nonce: str) -> str:
        if self._verify_nonce is not None:
            accepted = await call_hook(self._verify_nonce, request, nonce)
            return "valid" if accepted else "invalid"
        return self._nonce_state(nonce)

    async def _check_opaque(self, request: HTTPConnection, opaque: str) -> bool:
        if self._verify_opaque is not None:
            return bool(await call_hook(self._verify_opaque, request, opaque))
        given = opaque.encode("utf-8", "replace")
        if self._generate_opaque is not None:
            return hmac.compare_digest(given, (await self._new_opaque(request)).encode())
        from framework.conf.security import signing_keys

        value = f"opaque:{self.realm}"
        return any(
            hmac.compare_digest(given, self._sign(value, key)[:32].encode())
            for key in signing_keys()
        )

    # -- authentication ---------------------------------------------------------------------

    def _hash(self, text: str) -> str:
        return str(_ALGORITHMS[self.algorithm](text.encode()).hexdigest())

    async def _ha1(self, username: str) -> tuple[str, bool]:
        """Return the HA1 of *username* and whether the user exists (a dummy one if not)."""
        get_password = self._required(self._get_password, "get_password")
        secret = await call_hook(get_password, username)
        if secret is None:
            return self._hash(secrets.token_hex(16)), False
        if self.use_ha1:
            return str(secret), True
        return self._hash(f"{username}:{self.realm}:{secret}"), True

    def _uri_matches(self, request: HTTPConnection, uri: str) -> bool:
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        query = request.scope.get("query_string", b"")
        target = raw_path.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
        decoded = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return uri in (target, decoded)

    def _expected(self, ha1: str, params: dict[str, str], method: str) -> str:
        ha2 = self._hash(f"{method}:{params['uri']}")
        if params.get("qop"):
            parts = [ha1, params["nonce"], params.get("nc", ""), params.get("cnonce", "")]
            return self._hash(":".join([*parts, params["qop"], ha2]))
        return self._hash(f"{ha1}:{params['nonce']}:{ha2}")

    async def authenticate(self, request: HTTPConnection) -> Any:
        """Return the user of a valid, fresh, first-seen Digest response, or None."""
        params = _parse(request.headers.get("authorization", ""))
        if params is None or not params["username"]:
            return None
        if not hmac.compare_digest(params["realm"].encode(), self.realm.encode()):
            return None
        if params.get("qop", "auth") != "auth" or not self._uri_matches(request, params["uri"]):
            return None
        if not await self._check_opaque(request, params.get("opaque", "")):
            return None
        nonce_state = await self._check_nonce(request, params["nonce"])
        await login_throttle.check(request, params["username"])
        ha1, known = await self._ha1(params["username"])
        # A WebSocket handshake's scope has no method: it is a GET (as WebSocket.method says).
        expected = self._expected(ha1, params, request.scope.get("method", "GET"))
        matched = hmac.compare_digest(expected.encode(), params["response"].lower().encode())
        if nonce_state == "invalid" or not matched or not known:
            await login_throttle.failed(request, params["username"])
            return None
        if nonce_state == "stale":
            request.scope[_STALE] = True
            return None
        count = _count(params.get("nc"))
        if count < 1 or not await self.counter.accept(params["nonce"], count):
            return None
        if self._load_user is not None:
            return await call_hook(self._load_user, params["username"])
        return params["username"]

    async def make_challenge(self, request: HTTPConnection) -> str:
        """Return a challenge with a fresh nonce (``stale=true`` after a stale one)."""
        parts = [
            f"realm={quote_header_value(self.realm)}",
            'qop="auth"',
            f"algorithm={self.algorithm}",
            f"nonce={quote_header_value(await self._new_nonce(request))}",
            f"opaque={quote_header_value(await self._new_opaque(request))}",
        ]
        if request.scope.get(_STALE):
            parts.append("stale=true")
        return "Digest " + ", ".join(parts)

    def challenge(self, request: HTTPConnection) -> str:
        """Return a challenge with a default nonce (the async path uses the hooks)."""
        return (
            f'Digest realm={quote_header_value(self.realm)}, qop="auth", '
            f"algorithm={self.algorithm}, nonce={quote_header_value(self._default_nonce())}"
        )

    def security_schemes(self) -> list[tuple[str, dict[str, Any]]]:
        """Describe HTTP Digest."""
        return [("digestAuth", {"type": "http", "scheme": "digest"})]


def _parse(header: str) -> dict[str, str] | None:
    """Return the parameters of a Digest ``Authorization`` header, or None if malformed."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "digest" or not rest.strip():
        return None
    try:
        params = parse_keqv_list(parse_http_list(rest))
    except (ValueError, IndexError):  # "a" has no "="; "a=" trips parse_keqv_list's v[0]
        return None
    if any(not isinstance(params.get(name), str) for name in _REQUIRED):
        return None
    return params


def _count(value: str | None) -> int:
    try:
        return int(value or "1", 16)
    except ValueError:
        return -1
