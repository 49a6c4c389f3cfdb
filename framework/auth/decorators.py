"""``@authenticate(backend, role=...)`` and ``@login_required(role=...)``: protect handlers.

::

    @get("/reports")
    @authenticate(token_auth, role=["admin", "auditor"])      # admin OR auditor
    async def reports(self, request):
        return {"user": request.state.user.username}

The decorator adds a step to the handler's pipeline (so it runs before ``@input`` parses a
body) and records the route's security requirements in ``endpoint_spec(func).meta
["security"]`` for the OpenAPI document: one ``(scheme name, scheme, roles)`` entry per
scheme and role alternative.

Both decorators are enforced wherever they are written: on a handler method, a function
route, an ``App`` route, a Server-Sent Events or WebSocket handler (a refused handshake is
closed before it is accepted: 403), and on a whole ``Controller`` class (every route of the
class and of its subclasses). ``@authenticate`` also tells the CSRF check which header
credentials the route accepts (see ``framework.web.deferred``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.requests import HTTPConnection

from framework.auth.backends import AuthBackend, authenticated_user
from framework.auth.login import LoginManager, protect
from framework.auth.roles import RoleSpec, add_security, normalize_roles
from framework.exceptions import ImproperlyConfigured
from framework.web.deferred import HEADER_AUTH
from framework.web.pipeline import Call, handler_decorator

__all__ = ["authenticate", "current_user", "get_login_manager", "login_required"]

F = TypeVar("F", bound=Callable[..., Any])

AUTHENTICATE = handler_decorator("@authenticate")


def current_user(request: HTTPConnection) -> Any:
    """Return ``request.state.user``: the authenticated user, or None."""
    return getattr(request.state, "user", None)


def authenticate(backend: AuthBackend, role: RoleSpec = None, *, optional: bool = False) -> Any:
    """Require a user authenticated by *backend* (holding *role*, if given) for the handler.

    The user is put in ``request.state.user``. Without valid credentials the answer is 401
    (with the backend's ``WWW-Authenticate`` challenge); without the role, 403. With
    *optional*, a request without credentials passes with ``request.state.user = None``.
    """
    if not isinstance(backend, AuthBackend):
        raise TypeError(
            f"authenticate() needs a backend such as BasicAuth() or TokenAuth(); got {backend!r}."
        )
    requirement = normalize_roles(role)

    def step(call: Call) -> Call:
        async def run(request: HTTPConnection, kwargs: dict[str, Any]) -> Any:
            user = await authenticated_user(backend, request)
            if user is None:
                if optional and not backend.accepts(request):
                    request.state.user = None
                    return await call(request, kwargs)
                return await backend.fail(request, 401)
            request.state.user = user
            if requirement and not await backend.authorize(request, user, requirement):
                return await backend.fail(request, 403)
            return await call(request, kwargs)

        return run

    async def by_header(request: HTTPConnection) -> bool:
        if not backend.accepts(request) or await authenticated_user(backend, request) is None:
            return False
        return backend.exempts_from_csrf(request)

    def decorator(func: F) -> F:
        spec = AUTHENTICATE.apply(func, step)
        spec.meta.setdefault(HEADER_AUTH, []).append(by_header)
        add_security(spec.meta, backend.security_schemes(), requirement)
        return func

    return decorator


_managers: dict[str, LoginManager] = {}


def get_login_manager() -> LoginManager:
    """Return the LoginManager that LOGIN_MANAGER names (``framework.contrib.auth``'s)."""
    from framework.conf import settings
    from framework.module_loading import import_string

    path = str(settings.LOGIN_MANAGER)
    if path not in _managers:
        manager = import_string(path, setting="LOGIN_MANAGER")
        if not isinstance(manager, LoginManager):
            raise ImproperlyConfigured(f"LOGIN_MANAGER {path!r} is not a LoginManager instance.")
        _managers[path] = manager
    return _managers[path]


def login_required(func: Any = None, *, role: RoleSpec = None, fresh: bool = False) -> Any:
    """Require a user logged in through the project's LoginManager (see LOGIN_MANAGER).

    ``@login_required``, ``@login_required(role="admin")``, ``@login_required(fresh=True)``.
    """
    from framework.conf import settings

    cookie = settings.SESSION_COOKIE_NAME
    scheme = ("sessionCookie", {"type": "apiKey", "in": "cookie", "name": cookie})
    return protect(get_login_manager, func, role, fresh, scheme)
