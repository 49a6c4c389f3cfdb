"""Backends bound to ``framework.contrib.auth`` users: ``@authenticate(UserBasicAuth())``.

``UserBasicAuth`` checks a username and password against ``auth_user`` (an unknown user
costs one password check too, so timing tells nothing); ``UserTokenAuth`` checks API tokens
from ``manage.py users token create``; ``UserJWTAuth`` checks JWTs from ``manage.py users
jwt`` or a ``JWTLoginController``. All take roles from ``auth_role``, and a superuser meets
every role requirement, as in Django.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection

from framework.auth.backends import DEFAULT_REALM, BasicAuth, TokenAuth
from framework.auth.jwt import JWTAuth
from framework.auth.passwords import PasswordTooLongError
from framework.auth.roles import RoleRequirement, roles_satisfied

__all__ = ["UserBasicAuth", "UserJWTAuth", "UserTokenAuth", "user_meets"]


def user_meets(user: Any, requirement: RoleRequirement) -> bool:
    """Return whether a contrib.auth *user* meets *requirement* (superusers always do)."""
    if getattr(user, "is_superuser", False):
        return True
    return roles_satisfied(getattr(user, "role_names", ()), requirement)


class UserBasicAuth(BasicAuth):
    """HTTP Basic against the users of ``framework.contrib.auth``."""

    def __init__(self, realm: str = DEFAULT_REALM) -> None:
        super().__init__(realm)
        self.verify_password(self._check)

    async def _check(self, username: str, password: str) -> Any:
        from framework.contrib.auth.users import authenticate_user

        try:
            return await authenticate_user(username, password)
        except PasswordTooLongError:
            return None

    async def authorize(
        self, request: HTTPConnection, user: Any, requirement: RoleRequirement
    ) -> bool:
        """Check roles from the database (superusers pass); a custom hook wins."""
        if self._roles_hook is not None:
            return await super().authorize(request, user, requirement)
        return user_meets(user, requirement)


class UserTokenAuth(TokenAuth):
    """Bearer tokens of ``framework.contrib.auth`` (``Authorization: Bearer <token>``)."""

    def __init__(
        self, scheme: str = "Bearer", header: str | None = None, realm: str = DEFAULT_REALM
    ) -> None:
        super().__init__(scheme, header, realm)
        self.verify_token(self._check)

    async def _check(self, token: str) -> Any:
        from framework.contrib.auth.tokens import user_for_token

        return await user_for_token(token)

    async def authorize(
        self, request: HTTPConnection, user: Any, requirement: RoleRequirement
    ) -> bool:
        """Check roles from the database (superusers pass); a custom hook wins."""
        if self._roles_hook is not None:
            return await super().authorize(request, user, requirement)
        return user_meets(user, requirement)


class UserJWTAuth(JWTAuth):
    """Bearer JWTs naming a ``framework.contrib.auth`` user (see ``contrib.auth.jwt``).

    A token stops working when its user changes password, logs out everywhere or is
    deactivated. Keyword arguments are JWTAuth's (audience, issuer, leeway…).
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.verify_token(self._check)

    async def _check(self, claims: dict[str, Any]) -> Any:
        from framework.contrib.auth.jwt import user_for_claims

        return await user_for_claims(claims)

    async def authorize(
        self, request: HTTPConnection, user: Any, requirement: RoleRequirement
    ) -> bool:
        """Check roles from the database (superusers pass); a custom hook wins."""
        if self._roles_hook is not None:
            return await super().authorize(request, user, requirement)
        return user_meets(user, requirement)
