"""``@authenticate(backend, role=...)``: protect a handler with a stateless backend.

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
from framework.auth.roles import RoleSpec, add_security, normalize_roles
from framework.web.pipeline import Call, endpoint_spec

__all__ = ["authenticate", "current_user"]

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
