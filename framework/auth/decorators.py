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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from framework.auth.backends import AuthBackend
from framework.auth.login import LoginManager
from framework.auth.roles import RoleSpec, add_security, normalize_roles
from framework.exceptions import ImproperlyConfigured
from framework.web.pipeline import Call, endpoint_spec

__all__ = ["authenticate", "current_user", "get_login_manager", "login_required", "protect"]

F = TypeVar("F", bound=Callable[..., Any])


def current_user(request: Any) -> Any:
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
        async def run(request: Any, kwargs: dict[str, Any]) -> Any:
            user = await backend.authenticate(request)
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

    def decorator(func: F) -> F:
        spec = endpoint_spec(func)
        spec.add_step(step)
        add_security(spec.meta, backend.security_schemes(), requirement)
        return func

    return decorator


def protect(
    manager: Callable[[], LoginManager],
    func: Any,
    role: RoleSpec,
    fresh: bool,
    scheme: tuple[str, dict[str, Any]],
) -> Any:
    """Add the login check (through *manager*) and the security metadata to a handler."""
    requirement = normalize_roles(role)

    def step(call: Call) -> Call:
        async def run(request: Any, kwargs: dict[str, Any]) -> Any:
            refusal = await manager().check(request, requirement, fresh)
            if refusal is not None:
                return refusal
            return await call(request, kwargs)

        return run

    def decorator(target: F) -> F:
        spec = endpoint_spec(target)
        spec.add_step(step)
        add_security(spec.meta, [scheme], requirement)
        return target

    return decorator(func) if func is not None else decorator


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
