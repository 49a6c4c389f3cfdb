"""The project's ``LoginManager`` for ``framework.contrib.auth`` users (LOGIN_MANAGER).

``framework.auth.login_required`` uses :data:`login_manager`; so do the built-in ``/login``
and ``/logout`` views. Logging in records ``last_login``; logging out bumps the user's
session version, which voids every session and remember-me cookie they had.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection

from framework.auth.login import LoginManager
from framework.auth.roles import RoleRequirement

__all__ = ["UserLoginManager", "login_manager"]


class UserLoginManager(LoginManager):
    """A LoginManager that loads ``auth_user`` rows and checks their roles."""

    async def load_user(self, user_id: str) -> Any:
        """Return the user with primary key *user_id* (None if it is not a number)."""
        if self._loader is not None:
            return await super().load_user(user_id)
        from framework.contrib.auth.models import User

        try:
            ident = int(user_id)
        except ValueError:
            return None
        return await User.get(ident)

    async def authorize(
        self, request: HTTPConnection, user: Any, requirement: RoleRequirement
    ) -> bool:
        """Check the user's roles (superusers pass); a ``get_user_roles`` hook wins."""
        if self._roles_hook is not None:
            return await super().authorize(request, user, requirement)
        from framework.contrib.auth.backends import user_meets

        return user_meets(user, requirement)

    async def login(
        self, request: HTTPConnection, user: Any, response: Any = None, *, remember: bool = False
    ) -> None:
        """Log *user* in and record the time in ``last_login``."""
        from framework.contrib.auth.users import record_login

        await super().login(request, user, response, remember=remember)
        await record_login(user)


#: The manager LOGIN_MANAGER points at by default.
login_manager = UserLoginManager()
