"""Session login: ``LoginManager`` keeps the logged-in user in the signed session cookie.

::

    auth = LoginManager()

    @auth.user_loader
    async def load_user(user_id):
        return await User.get(int(user_id))

    @post("/login")
    async def login(self, request):
        ...                                  # check the credentials first
        response = RedirectResponse("/", 303)
        await auth.login(request, user, response, remember=True)
        return response

    @get("/profile")
    @auth.login_required(role="member")
    async def profile(self, request):
        return {"user": request.state.user.username}

Login rotates the session id and the CSRF secret (no session fixation) and stores the user's
*session hash* — for ``framework.contrib.auth`` users, derived from the password hash and a
per-user session version. Every request compares it with the user's current one, so after a
password change or a logout (which bumps the version) a replayed old cookie is refused.

A "remember me" cookie (signed, 30 days by default) logs the user back in when the session
cookie is gone; such a login is not *fresh*, and ``login_required(fresh=True)`` asks for the
password again. Browsers that are not logged in are redirected to LOGIN_URL with ``?next=``;
API clients get 401 JSON; a missing role gives 403.
"""

from __future__ import annotations

import enum
import hmac
import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast
from urllib.parse import quote, urlencode

from starlette.requests import HTTPConnection

from framework.auth.csrf import rotate_csrf_token
from framework.auth.roles import (
    RoleRequirement,
    RoleSpec,
    add_security,
    call_hook,
    normalize_roles,
    roles_of,
    roles_satisfied,
)
from framework.exceptions import ImproperlyConfigured
from framework.web.errors import wants_html
from framework.web.exceptions import HTTPException
from framework.web.pipeline import Call, handler_decorator
from framework.web.responses import RedirectResponse
from framework.web.sessions import Session

__all__ = ["LOGIN_REQUIRED", "AuthFailureReason", "LoginManager", "protect"]

F = TypeVar("F", bound=Callable[..., Any])
USER_ID_KEY = "_auth_user_id"
HASH_KEY = "_auth_user_hash"
FRESH_KEY = "_auth_fresh"
LOGGED_OUT_KEY = "_auth_logged_out"
_CACHE = "framework.auth.session_user"
_MISSING = object()
_REMEMBER_SALT = "framework.auth.remember"


class AuthFailureReason(enum.Enum):
    """Why ``login_required`` refused a request (passed to ``on_failure`` hooks)."""

    UNAUTHENTICATED = "unauthenticated"
    UNAUTHORIZED = "unauthorized"
    NOT_FRESH = "not_fresh"


def _attribute(user: Any, name: str) -> Any:
    return user.get(name) if isinstance(user, Mapping) else getattr(user, name, None)


class LoginManager:
    """Log users in and out of the session, and protect handlers with ``login_required``."""

    def __init__(
        self,
        *,
        login_url: str | None = None,
        user_id_attribute: str = "id",
        remember_cookie_name: str | None = None,
        remember_duration: int | None = None,
    ) -> None:
        self._login_url = login_url
        self.user_id_attribute = user_id_attribute
        self._cookie_name = remember_cookie_name
        self._duration = remember_duration
        self._loader: Callable[..., Any] | None = None
        self._roles_hook: Callable[..., Any] | None = None
        self._on_login: list[Callable[..., Any]] = []
        self._on_logout: list[Callable[..., Any]] = []
        self._on_failure: list[Callable[..., Any]] = []

    # -- configuration ----------------------------------------------------------------------

    @property
    def login_url(self) -> str:
        """Return where browsers log in (LOGIN_URL unless given)."""
        return self._login_url or _settings().LOGIN_URL

    @property
    def remember_cookie_name(self) -> str:
        """Return the name of the remember-me cookie (REMEMBER_COOKIE_NAME unless given)."""
        return self._cookie_name or _settings().REMEMBER_COOKIE_NAME

    @property
    def remember_duration(self) -> int:
        """Return how long a remember-me cookie lasts, in seconds."""
        return int(self._duration or _settings().REMEMBER_COOKIE_DURATION)

    # -- hooks (decorators) -----------------------------------------------------------------

    def user_loader(self, func: F) -> F:
        """Register ``func(user_id: str) -> user | None``."""
        self._loader = func
        return func

    def get_user_roles(self, func: F) -> F:
        """Register ``func(user) -> role | [roles]`` for ``login_required(role=...)``."""
        self._roles_hook = func
        return func

    def on_login(self, func: F) -> F:
        """Call ``func(request, user)`` after each login."""
        self._on_login.append(func)
        return func

    def on_logout(self, func: F) -> F:
        """Call ``func(request, user)`` after each logout."""
        self._on_logout.append(func)
        return func

    def on_failure(self, func: F) -> F:
        """Register ``func(request, reason) -> Response | None`` to answer refused requests."""
        self._on_failure.append(func)
        return func

    # -- what subclasses may refine ----------------------------------------------------------

    async def load_user(self, user_id: str) -> Any:
        """Return the user with *user_id*, through the ``user_loader`` function."""
        if self._loader is None:
            raise ImproperlyConfigured(
                "LoginManager has no user_loader: decorate a function with @<manager>.user_loader."
            )
        return await call_hook(self._loader, user_id)

    async def session_hash(self, user: Any) -> str:
        """Return the value that must still match for a session of *user* to stay valid."""
        method = getattr(user, "get_session_auth_hash", None)
        return str(method()) if callable(method) else ""

    async def session_hashes(self, user: Any) -> list[str]:
        """Return the session hash of *user* under SECRET_KEY, then under each fallback key
        (for users whose ``get_session_auth_hash`` takes ``secret=``)."""
        from framework.conf.security import signing_keys

        current = await self.session_hash(user)
        method = getattr(user, "get_session_auth_hash", None)
        if not callable(method) or "secret" not in inspect.signature(method).parameters:
            return [current]
        return [current, *(str(method(secret=key)) for key in signing_keys()[1:])]

    async def revoke_sessions(self, user: Any) -> None:
        """Invalidate every session of *user* (at logout); users that support it do."""
        method = getattr(user, "revoke_sessions", None)
        if callable(method):
            await call_hook(method)

    def is_active(self, user: Any) -> bool:
        """Return whether *user* may be logged in (``is_active``, True when absent)."""
        active = _attribute(user, "is_active")
        return True if active is None else bool(active)

    async def user_roles(self, user: Any) -> frozenset[str]:
        """Return the roles of *user* from the ``get_user_roles`` function."""
        if self._roles_hook is None:
            return frozenset()
        return roles_of(await call_hook(self._roles_hook, user))

    async def authorize(
        self, request: HTTPConnection, user: Any, requirement: RoleRequirement
    ) -> bool:
        """Return whether *user* meets *requirement*."""
        return roles_satisfied(await self.user_roles(user), requirement)

    # -- the session --------------------------------------------------------------------------

    def user_id(self, user: Any) -> str:
        """Return the id stored in the session for *user*."""
        value = _attribute(user, self.user_id_attribute)
        if value is None:
            raise ImproperlyConfigured(
                f"The user {user!r} has no {self.user_id_attribute!r}; set user_id_attribute."
            )
        return str(value)

    async def current_user(self, request: HTTPConnection) -> Any:
        """Return the logged-in user of *request* (also ``request.state.user``), or None."""
        cached = request.scope.get(_CACHE, _MISSING)
        if cached is not _MISSING:
            return cached
        user = await self._from_session(request)
        if user is None:
            user = await self._from_remember_cookie(request)
        request.scope[_CACHE] = user
        request.state.user = user
        return user

    async def _valid(self, user: Any, expected_hash: Any) -> bool:
        if user is None or not self.is_active(user) or not isinstance(expected_hash, str):
            return False
        # Any key of SECRET_KEY_FALLBACKS still validates a session (key rotation).
        return any(
            hmac.compare_digest(expected_hash.encode(), known.encode())
            for known in await self.session_hashes(user)
        )

    async def _from_session(self, request: HTTPConnection) -> Any:
        session = request.session
        user_id = session.get(USER_ID_KEY)
        if user_id is None:
            return None
        user = await self.load_user(str(user_id))
        if not await self._valid(user, session.get(HASH_KEY)):
            session.clear()  # revoked, deactivated or deleted: the cookie is dropped
            return None
        current = await self.session_hash(user)
        if session.get(HASH_KEY) != current:  # valid under a fallback key: re-sign it
            session[HASH_KEY] = current
        return user

    async def _from_remember_cookie(self, request: HTTPConnection) -> Any:
        cookie = request.cookies.get(self.remember_cookie_name)
        if not cookie or request.session.get(LOGGED_OUT_KEY):
            return None
        payload = self._serializer().loads_or_none(cookie, self.remember_duration)
        if not isinstance(payload, list) or len(payload) != 2:
            return None
        user = await self.load_user(str(payload[0]))
        if not await self._valid(user, payload[1]):
            return None
        await self._start_session(request, user, fresh=False)
        return user

    async def _start_session(self, request: HTTPConnection, user: Any, *, fresh: bool) -> None:
        # SessionMiddleware puts a framework Session (it can rotate its id) in the scope.
        session = cast(Session, request.session)
        user_id = self.user_id(user)
        if session.get(USER_ID_KEY) not in (None, user_id):
            session.clear()  # another user's data must not leak into this session
        session.pop(LOGGED_OUT_KEY, None)
        session.rotate()  # a new id: a session planted before login is worthless after it
        session[USER_ID_KEY] = user_id
        session[HASH_KEY] = await self.session_hash(user)
        session[FRESH_KEY] = fresh
        rotate_csrf_token(request)
        request.scope[_CACHE] = user
        request.state.user = user

    def _serializer(self) -> _Signer:
        from framework.conf.security import signing_keys

        return _Signer(signing_keys())

    # -- login and logout ---------------------------------------------------------------------

    async def login(
        self, request: HTTPConnection, user: Any, response: Any = None, *, remember: bool = False
    ) -> None:
        """Log *user* in: new session id and CSRF secret, remember-me cookie on *response*."""
        if remember and response is None:
            raise TypeError(
                "login(remember=True) sets a cookie, so it needs the response: "
                "await manager.login(request, user, response, remember=True)."
            )
        await self._start_session(request, user, fresh=True)
        if remember:
            await self.remember(response, user)
        for hook in self._on_login:
            await call_hook(hook, request, user)

    async def remember(self, response: Any, user: Any) -> None:
        """Set the signed remember-me cookie for *user* on *response*."""
        value = self._serializer().dumps([self.user_id(user), await self.session_hash(user)])
        response.set_cookie(
            self.remember_cookie_name, value, max_age=self.remember_duration, **_flags()
        )

    async def logout(self, request: HTTPConnection, response: Any = None) -> None:
        """Log the user out: clear the session, revoke their sessions, drop remember-me."""
        user = await self.current_user(request)
        session = request.session
        session.clear()
        if request.cookies.get(self.remember_cookie_name):
            session[LOGGED_OUT_KEY] = True  # this browser's remember-me cookie is void
        if response is not None:
            response.delete_cookie(self.remember_cookie_name, **_flags())
        request.scope[_CACHE] = None
        request.state.user = None
        if user is not None:
            await self.revoke_sessions(user)
            for hook in self._on_logout:
                await call_hook(hook, request, user)

    # -- protection -----------------------------------------------------------------------------

    def security_scheme(self) -> tuple[str, dict[str, Any]]:
        """Return the OpenAPI description of the session cookie."""
        cookie = _settings().SESSION_COOKIE_NAME
        return ("sessionCookie", {"type": "apiKey", "in": "cookie", "name": cookie})

    def login_required(
        self, func: Any = None, *, role: RoleSpec = None, fresh: bool = False
    ) -> Any:
        """Require a logged-in user (holding *role*; logged in with a password if *fresh*)."""
        return protect(lambda: self, func, role, fresh, self.security_scheme())

    async def check(
        self, request: HTTPConnection, requirement: RoleRequirement, fresh: bool = False
    ) -> Any:
        """Return None when *request* may go on, else the refusal (a Response or raises)."""
        user = await self.current_user(request)
        if user is None:
            return await self.fail(request, AuthFailureReason.UNAUTHENTICATED)
        if fresh and request.session.get(FRESH_KEY) is not True:
            return await self.fail(request, AuthFailureReason.NOT_FRESH)
        if requirement and not await self.authorize(request, user, requirement):
            return await self.fail(request, AuthFailureReason.UNAUTHORIZED)
        return None

    async def fail(self, request: HTTPConnection, reason: AuthFailureReason) -> Any:
        """Answer a refused request: the first ``on_failure`` answer, else the default."""
        for hook in self._on_failure:
            response = await call_hook(hook, request, reason)
            if response is not None:
                return response
        return await self.default_failure(request, reason)

    async def default_failure(self, request: HTTPConnection, reason: AuthFailureReason) -> Any:
        """Redirect browsers to the login page; 401/403 JSON for API clients."""
        if reason is AuthFailureReason.UNAUTHORIZED:
            raise HTTPException(403, "You do not have the role this page requires.")
        if wants_html(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            separator = "&" if "?" in self.login_url else "?"
            query = urlencode({"next": target}, quote_via=quote)
            return RedirectResponse(f"{self.login_url}{separator}{query}", 303)
        if reason is AuthFailureReason.NOT_FRESH:
            raise HTTPException(401, "Please log in again to continue.")
        raise HTTPException(401, "Authentication required.")


#: ``@login_required`` and ``@<manager>.login_required``: every route kind, and classes.
LOGIN_REQUIRED = handler_decorator("@login_required")


def protect(
    manager: Callable[[], LoginManager],
    func: Any,
    role: RoleSpec,
    fresh: bool,
    scheme: tuple[str, dict[str, Any]],
) -> Any:
    """Add the login check (through *manager*) and the security metadata to a handler.

    *manager* is called at each request, so ``login_required`` can name the project's
    LoginManager before settings are read.
    """
    requirement = normalize_roles(role)

    def step(call: Call) -> Call:
        async def run(request: HTTPConnection, kwargs: dict[str, Any]) -> Any:
            refusal = await manager().check(request, requirement, fresh)
            if refusal is not None:
                return refusal
            return await call(request, kwargs)

        return run

    def decorator(target: F) -> F:
        add_security(LOGIN_REQUIRED.apply(target, step).meta, [scheme], requirement)
        return target

    return decorator(func) if func is not None else decorator


class _Signer:
    """Sign remember-me cookies with SECRET_KEY, accept its fallbacks (timestamped, so they
    expire)."""

    def __init__(self, keys: list[str]) -> None:
        import itsdangerous

        self._bad = itsdangerous.BadData
        # itsdangerous signs with the last key and accepts any: older keys first.
        self._serializer = itsdangerous.URLSafeTimedSerializer(
            list(reversed(keys)), salt=_REMEMBER_SALT
        )

    def dumps(self, value: Any) -> str:
        return str(self._serializer.dumps(value))

    def loads_or_none(self, value: str, max_age: int) -> Any:
        try:
            return self._serializer.loads(value, max_age=max_age)
        except (self._bad, UnicodeError, ValueError):
            return None


def _settings() -> Any:
    from framework.conf import settings

    return settings


def _flags() -> dict[str, Any]:
    settings = _settings()
    secure = settings.SESSION_COOKIE_SECURE
    return {
        "path": "/",
        "httponly": True,
        "samesite": "lax",
        "secure": (not settings.DEBUG) if secure is None else bool(secure),
    }
