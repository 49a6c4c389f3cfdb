"""Stateless authentication backends: each request proves who it is in its own headers.

A backend reads the credentials of a request and asks a function of yours to turn them into
a user (any object). Register the functions with the backend's decorators::

    basic_auth = BasicAuth()

    @basic_auth.verify_password
    async def verify_password(username, password):
        return users.get(username) if passwords_match(...) else None

    @basic_auth.get_user_roles
    async def get_user_roles(user):
        return user.roles

Basic and Digest credentials count against LOGIN_THROTTLE (``framework.auth.throttling``):
failures per client IP and per username, 429 over the limit.

Every failure answers the same way — 401 with ``WWW-Authenticate`` and the same body — so
a client cannot tell a missing user from a wrong password, malformed header or revoked
token. ``@backend.error_handler`` replaces that answer: ``handler(request, status_code)``
returns a Response (or None for the default).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from starlette.requests import HTTPConnection

from framework.auth.roles import RoleRequirement, call_hook, roles_of, roles_satisfied
from framework.exceptions import ImproperlyConfigured
from framework.web.exceptions import HTTPException
from framework.web.traps import RESPONSE_NAMES, required_positionals

__all__ = [
    "DEFAULT_REALM",
    "AuthBackend",
    "BasicAuth",
    "MultiAuth",
    "TokenAuth",
    "authenticated_user",
    "authorization_scheme",
    "parse_basic_credentials",
    "quote_header_value",
]

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_REALM = "Authentication Required"
UNAUTHENTICATED = "Authentication required."
FORBIDDEN = "You do not have the role this resource requires."
_USED_BACKEND = "framework.auth.backend"
_USERS = "framework.auth.users"


def authorization_scheme(request: HTTPConnection) -> str:
    """Return the lower-cased scheme of the ``Authorization`` header (``"basic"``), or ``""``."""
    header = request.headers.get("authorization", "")
    return header.partition(" ")[0].strip().lower()


def quote_header_value(value: str) -> str:
    """Return *value* as a quoted string for a header parameter (``realm="..."``)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


async def authenticated_user(backend: AuthBackend, request: HTTPConnection) -> Any:
    """Return the user *backend* finds in *request*'s credentials, asking it once per request.

    The CSRF check and the route's ``@authenticate`` step both need the answer; asking twice
    would verify a token twice and count a Digest nonce twice (a replay).
    """
    users: dict[int, Any] = request.scope.setdefault(_USERS, {})
    key = id(backend)
    if key not in users:
        users[key] = await backend.authenticate(request)
    return users[key]


class AuthBackend:
    """Base of the backends: role lookup, the error answer and the OpenAPI description."""

    #: The ``Authorization`` scheme this backend reads (``"Basic"``), for MultiAuth and 401s.
    scheme = ""
    #: Whether a browser, once the user typed them, resends these credentials by itself
    #: (Basic, Digest): like a cookie they then ride along on another site's form post, so
    #: they never exempt a request from the CSRF check.
    ambient = False

    def __init__(self, realm: str = DEFAULT_REALM) -> None:
        self.realm = realm
        self._roles_hook: Callable[..., Any] | None = None
        self._error_hook: Callable[..., Any] | None = None

    # -- hooks (decorators) -----------------------------------------------------------------

    def get_user_roles(self, func: F) -> F:
        """Register ``func(user) -> role | [roles]``, used by ``role=`` requirements."""
        self._roles_hook = func
        return func

    def error_handler(self, func: F) -> F:
        """Register ``func(request, status_code) -> Response | None`` for 401 and 403 answers."""
        refuse_dyne_error_handler(func)
        self._error_hook = func
        return func

    # -- what subclasses provide ------------------------------------------------------------

    async def authenticate(self, request: HTTPConnection) -> Any:
        """Return the user *request* proves to be, or None."""
        raise NotImplementedError

    def accepts(self, request: HTTPConnection) -> bool:
        """Return whether *request* carries credentials meant for this backend."""
        return authorization_scheme(request) == self.scheme.lower()

    def exempts_from_csrf(self, request: HTTPConnection) -> bool:
        """Return whether credentials this backend accepted prove *request* is no forgery."""
        return not self.ambient

    def challenge(self, request: HTTPConnection) -> str:
        """Return the ``WWW-Authenticate`` value of a 401."""
        return f"{self.scheme} realm={quote_header_value(self.realm)}"

    async def make_challenge(self, request: HTTPConnection) -> str:
        """Return the challenge for *request* (Digest awaits its nonce functions here)."""
        return self.challenge(request)

    def security_schemes(self) -> list[tuple[str, dict[str, Any]]]:
        """Return ``(name, OpenAPI security scheme)`` pairs for the routes it protects."""
        raise NotImplementedError

    # -- used by @authenticate --------------------------------------------------------------

    async def user_roles(self, user: Any) -> frozenset[str]:
        """Return the roles of *user* (none without a ``get_user_roles`` function)."""
        if self._roles_hook is None:
            return frozenset()
        return roles_of(await call_hook(self._roles_hook, user))

    async def authorize(
        self, request: HTTPConnection, user: Any, requirement: RoleRequirement
    ) -> bool:
        """Return whether *user* meets the role *requirement*."""
        if not requirement:
            return True
        return roles_satisfied(await self.user_roles(user), requirement)

    async def fail(self, request: HTTPConnection, status_code: int) -> Any:
        """Answer a failed request: the error handler's Response, or the standard error."""
        if self._error_hook is not None:
            response = await call_hook(self._error_hook, request, status_code)
            if response is not None:
                return response
        if status_code == 401:
            challenge = await self.make_challenge(request)
            raise HTTPException(401, UNAUTHENTICATED, headers={"WWW-Authenticate": challenge})
        raise HTTPException(status_code, FORBIDDEN if status_code == 403 else None)

    def _required(self, hook: Callable[..., Any] | None, name: str) -> Callable[..., Any]:
        if hook is None:
            kind = type(self).__name__
            raise ImproperlyConfigured(
                f"{kind} has no {name} function: decorate one with @<your {kind}>.{name}."
            )
        return hook


def refuse_dyne_error_handler(func: Callable[..., Any]) -> None:
    """Refuse Dyne's ``error_handler(req, resp, status_code)``: it would answer 500 here."""
    positionals = required_positionals(func)
    if len(positionals) == 3 and positionals[1] in RESPONSE_NAMES:
        request, response, status = positionals
        raise ImproperlyConfigured(
            f"The error handler {func.__qualname__} takes ({request}, {response}, {status}) like "
            f"Dyne's; here it takes ({request}, {status}) and returns the answer: "
            f"'return JSONResponse({{...}}, status_code={status})' instead of setting "
            f"{response}.media and {response}.status_code."
        )


def parse_basic_credentials(header: str | None) -> tuple[str, str] | None:
    """Return ``(username, password)`` from a Basic ``Authorization`` header, or None.

    Malformed base64, a missing colon, bytes that are not UTF-8 and an empty username all
    give None: the request is simply not authenticated.
    """
    if not header:
        return None
    scheme, _, encoded = header.strip().partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    username, colon, password = decoded.partition(":")
    if not colon or not username:
        return None
    return username, password


class BasicAuth(AuthBackend):
    """HTTP Basic: ``Authorization: Basic base64(username:password)`` (use it over HTTPS)."""

    scheme = "Basic"
    ambient = True

    def __init__(self, realm: str = DEFAULT_REALM) -> None:
        super().__init__(realm)
        self._verify: Callable[..., Any] | None = None

    def verify_password(self, func: F) -> F:
        """Register ``func(username, password) -> user | None``."""
        self._verify = func
        return func

    async def authenticate(self, request: HTTPConnection) -> Any:
        """Return the user of valid Basic credentials, or None (429 over LOGIN_THROTTLE)."""
        from framework.auth.throttling import login_throttle

        verify = self._required(self._verify, "verify_password")
        credentials = parse_basic_credentials(request.headers.get("authorization"))
        if credentials is None:
            return None
        await login_throttle.check(request, credentials[0])
        user = await call_hook(verify, *credentials)
        if user is None:
            await login_throttle.failed(request, credentials[0])
        return user

    def challenge(self, request: HTTPConnection) -> str:
        """Ask for Basic credentials, encoded as UTF-8 (RFC 7617)."""
        return f'Basic realm={quote_header_value(self.realm)}, charset="UTF-8"'

    def security_schemes(self) -> list[tuple[str, dict[str, Any]]]:
        """Describe HTTP Basic."""
        return [("basicAuth", {"type": "http", "scheme": "basic"})]


#: HTTP authentication schemes registered with IANA: the ones OpenAPI's ``http`` type allows.
IANA_HTTP_SCHEMES = frozenset(
    {
        "basic",
        "bearer",
        "concealed",
        "digest",
        "dpop",
        "gnap",
        "hoba",
        "mutual",
        "negotiate",
        "oauth",
        "privatetoken",
        "scram-sha-1",
        "scram-sha-256",
        "vapid",
    }
)


class TokenAuth(AuthBackend):
    """Bearer tokens (``Authorization: Bearer <token>``), or a token in a header of your own."""

    def __init__(
        self, scheme: str = "Bearer", header: str | None = None, realm: str = DEFAULT_REALM
    ) -> None:
        super().__init__(realm)
        self.scheme = scheme
        self.header = header
        self._verify: Callable[..., Any] | None = None

    def verify_token(self, func: F) -> F:
        """Register ``func(token) -> user | None``."""
        self._verify = func
        return func

    def token(self, request: HTTPConnection) -> str | None:
        """Return the token *request* carries, or None."""
        if self.header is not None:
            value = request.headers.get(self.header, "").strip()
            return value or None
        scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
        if scheme.lower() != self.scheme.lower():
            return None
        return token.strip() or None

    def accepts(self, request: HTTPConnection) -> bool:
        """Return whether *request* has this backend's header or scheme."""
        if self.header is not None:
            return self.header in request.headers
        return super().accepts(request)

    async def authenticate(self, request: HTTPConnection) -> Any:
        """Return the user of a valid token, or None (an empty token is never checked)."""
        verify = self._required(self._verify, "verify_token")
        token = self.token(request)
        if token is None:
            return None
        return await call_hook(verify, token)

    def security_schemes(self) -> list[tuple[str, dict[str, Any]]]:
        """Describe the bearer scheme, another registered HTTP scheme, or an API-key header.

        OpenAPI's ``http`` type takes only schemes of the IANA registry; a scheme of one's
        own (``Authorization: Token <token>``, Django REST framework's) is published as an
        ``apiKey`` in the ``Authorization`` header, with the expected form described.
        """
        if self.header is not None:
            return [("apiKeyAuth", {"type": "apiKey", "in": "header", "name": self.header})]
        scheme = self.scheme.lower()
        if scheme == "bearer":
            return [("bearerAuth", {"type": "http", "scheme": "bearer"})]
        if scheme in IANA_HTTP_SCHEMES:
            return [(f"{scheme}Auth", {"type": "http", "scheme": scheme})]
        described = {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": f"Send 'Authorization: {self.scheme} <token>'.",
        }
        return [(f"{scheme}Auth", described)]


class MultiAuth(AuthBackend):
    """Accept any of several backends, chosen by the credentials the request carries.

    Without credentials (or with a scheme none of them reads) the 401 challenge is the first
    backend's. Roles come from the backend that authenticated the request.
    """

    def __init__(self, *backends: AuthBackend) -> None:
        if not backends:
            raise TypeError("MultiAuth needs at least one backend.")
        super().__init__(backends[0].realm)
        self.backends: Sequence[AuthBackend] = backends

    def accepts(self, request: HTTPConnection) -> bool:
        """Return whether one of the backends reads *request*'s credentials."""
        return any(backend.accepts(request) for backend in self.backends)

    def _used(self, request: HTTPConnection) -> AuthBackend:
        return request.scope.get(_USED_BACKEND) or self.backends[0]

    async def authenticate(self, request: HTTPConnection) -> Any:
        """Return the user of the first backend that reads the credentials, or None."""
        for backend in self.backends:
            if backend.accepts(request):
                request.scope[_USED_BACKEND] = backend
                return await backend.authenticate(request)
        return None

    def exempts_from_csrf(self, request: HTTPConnection) -> bool:
        """Ask the backend that authenticated the request."""
        return self._used(request).exempts_from_csrf(request)

    def challenge(self, request: HTTPConnection) -> str:
        """Return the challenge of the first backend."""
        return self.backends[0].challenge(request)

    async def make_challenge(self, request: HTTPConnection) -> str:
        """Return the challenge of the backend in charge (the first without credentials)."""
        return await self._used(request).make_challenge(request)

    async def authorize(
        self, request: HTTPConnection, user: Any, requirement: RoleRequirement
    ) -> bool:
        """Check roles with the backend that authenticated the request."""
        if self._roles_hook is not None:
            return await super().authorize(request, user, requirement)
        return await self._used(request).authorize(request, user, requirement)

    async def fail(self, request: HTTPConnection, status_code: int) -> Any:
        """Use MultiAuth's own error handler, else that of the backend in charge."""
        if self._error_hook is not None:
            return await super().fail(request, status_code)
        return await self._used(request).fail(request, status_code)

    def security_schemes(self) -> list[tuple[str, dict[str, Any]]]:
        """Describe every backend's scheme (any one is accepted)."""
        return [scheme for backend in self.backends for scheme in backend.security_schemes()]
