"""Who may enter the admin, and its login and logout: contrib.auth's users, sessions and checks.

The admin logs users in through the project's ``LoginManager`` (LOGIN_MANAGER), so the
session cookie, its rotation at login and its revocation at logout or password change are
the site's own; the password is checked by contrib.auth's ``authenticate_user`` (the
project's PASSWORD_SCHEMES, upgraded hashes, the same cost for unknown users). Superusers and
users holding ADMIN_ROLE may enter; any other login is refused with the same message as a
wrong password, so the form does not tell which accounts exist or are staff. Attempts count
against LOGIN_THROTTLE, per client and per username, like the site's own login. The form
carries the CSRF token (checked here too, since a browser without a session cookie is not
checked by the middleware); logging out is a POST.
"""

from __future__ import annotations

from typing import Any

from sqladmin.authentication import AuthenticationBackend
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from framework.auth.csrf import check_csrf_token
from framework.auth.decorators import get_login_manager
from framework.auth.passwords import PasswordTooLongError
from framework.auth.redirects import safe_redirect_url
from framework.auth.roles import normalize_roles
from framework.conf import settings
from framework.contrib.admin.options import USER_STATE

__all__ = ["INVALID_LOGIN", "AdminAuthentication", "may_enter"]

INVALID_LOGIN = "Please enter the correct username and password of an administration account."
LOGIN_TEMPLATE = "sqladmin/login.html"


def may_enter(user: Any) -> bool:
    """Return whether *user* may use the admin: an active superuser, or one with ADMIN_ROLE."""
    from framework.contrib.auth.backends import user_meets

    if user is None or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    role = settings.ADMIN_ROLE
    return bool(role) and user_meets(user, normalize_roles(role))


class AdminAuthentication(AuthenticationBackend):
    """sqladmin's authentication backend, bound to contrib.auth and the project's session."""

    def __init__(self, templates: Any) -> None:
        # No middleware of its own: the project's SessionMiddleware already runs around it.
        self.middlewares = []
        self.templates = templates

    async def authenticate(self, request: Request) -> Response | bool:
        """Admit the logged-in admin user; send others to the login page (403 if logged in)."""
        user = await get_login_manager().current_user(request)
        if user is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            login = request.url_for("admin:login").include_query_params(next=target)
            return RedirectResponse(str(login), status_code=303)
        if not may_enter(user):
            message = (
                f"You are logged in as {user.username}, who may not use the administration. "
                "Log in with another account?"
            )
            return await self.login_page(request, message, 403, next_url=request.url.path)
        setattr(request.state, USER_STATE, user)
        return True

    async def get_user_id(self, request: Request) -> Any:
        """Return the admitted user's id (sqladmin's audit and authorization hooks ask)."""
        user = getattr(request.state, USER_STATE, None)
        return getattr(user, "id", None)

    async def login(self, request: Request) -> Response | bool:
        """Check the form's CSRF token and credentials; log an admin user in."""
        form = await request.form()
        check_csrf_token(request, _text(form.get(settings.CSRF_FIELD_NAME)))
        username, password = _text(form.get("username")), _text(form.get("password"))
        next_url = _text(form.get("next"))
        try:
            user = await _check_credentials(request, username, password)
        except PasswordTooLongError as exc:
            return await self.login_page(request, str(exc), 400, username, next_url)
        except HTTPException as refused:  # LOGIN_THROTTLE: too many attempts, or no cache
            page = await self.login_page(
                request, str(refused.detail), refused.status_code, username, next_url
            )
            page.headers.update(refused.headers or {})
            return page
        if user is None:
            return await self.login_page(request, INVALID_LOGIN, 400, username, next_url)
        await get_login_manager().login(request, user)
        index = str(request.url_for("admin:index"))
        return RedirectResponse(safe_redirect_url(request, next_url, index), status_code=303)

    async def logout(self, request: Request) -> Response | bool:
        """Log out on POST (the session and every other session of the user end)."""
        if request.method != "POST":
            page: Response = await self.templates.TemplateResponse(request, "sqladmin/logout.html")
            return page
        response = RedirectResponse(str(request.url_for("admin:login")), status_code=303)
        await get_login_manager().logout(request, response)
        return response

    async def login_page(
        self,
        request: Request,
        error: str | None,
        status_code: int = 200,
        username: str = "",
        next_url: str = "",
    ) -> Response:
        """Render the login form with *error*, keeping the typed username and ``next``."""
        context = {"error": error, "username": username, "next": next_url}
        response: Response = await self.templates.TemplateResponse(
            request, LOGIN_TEMPLATE, context, status_code=status_code
        )
        return response


async def _check_credentials(request: Request, username: str, password: str) -> Any:
    """Return the admin user these credentials log in, or None; LOGIN_THROTTLE counts them.

    A right password of a user who may not enter counts as a failed attempt.
    """
    from framework.auth.throttling import login_throttle
    from framework.contrib.auth.users import authenticate_user

    if not username or not password:
        return None
    attempt = await login_throttle.reserve(request, username)  # 429 over LOGIN_THROTTLE
    user = await authenticate_user(username, password)
    if not may_enter(user):
        return None
    await attempt.succeeded()
    return user


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
