"""The built-in ``/login`` and ``/logout`` views (under the auth app's ``url_prefix``).

Browsers get an HTML form (``auth/login.html``: put a template of that name in
TEMPLATES_DIRS to restyle it) posted back with a CSRF token; API clients post JSON
``{"username": ..., "password": ..., "remember": false}`` and get the user and a CSRF token
for their next unsafe requests. A wrong password and an unknown user get the same answer.
Attempts count against LOGIN_THROTTLE per client IP and per username (429 over it).
After login the browser goes to ``next`` if it is a path of this site, else to
LOGIN_REDIRECT_URL.
"""

from __future__ import annotations

from typing import Any

from framework.auth.csrf import check_csrf_token, get_csrf_token
from framework.auth.decorators import get_login_manager
from framework.auth.passwords import PasswordTooLongError
from framework.auth.redirects import safe_redirect_url
from framework.conf import settings
from framework.contrib.auth.resetviews import PasswordResetController
from framework.io import expect
from framework.web import Controller, HTTPException, get, post, render
from framework.web.requests import Request, is_json_content_type
from framework.web.responses import JSONResponse, RedirectResponse, Response

__all__ = ["AuthController", "PasswordResetController"]

INVALID_LOGIN = "Please enter a correct username and password."


def _user_data(user: Any) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "email": user.email,
        "is_superuser": user.is_superuser,
        "roles": user.role_names,
    }


async def _credentials(request: Request, username: Any, password: Any) -> Any:
    """Return the user these credentials log in, or None; LOGIN_THROTTLE counts the attempt."""
    from framework.auth.throttling import login_throttle
    from framework.contrib.auth.users import authenticate_user

    if not isinstance(username, str) or not isinstance(password, str):
        return None
    attempt = await login_throttle.reserve(request, username)
    user = await authenticate_user(username, password)
    if user is not None:
        await attempt.succeeded()
    return user


class AuthController(Controller):
    """Log in with a form or JSON; log out with a POST."""

    path = ""

    @get("/login")
    async def login_page(self, request: Request) -> Any:
        """Show the login form."""
        next_url = safe_redirect_url(request, request.query.get("next"), "")
        return _form(request, next_url)

    @post("/login")
    @expect(
        {
            303: "Logged in with the form: on to the next page",
            400: "A malformed request, or the form with wrong credentials",
            401: "Wrong credentials (JSON)",
            403: "The form came without its CSRF token",
        }
    )
    async def login(self, request: Request) -> Any:
        """Check the credentials; log in and redirect (form) or answer the user (JSON)."""
        if is_json_content_type(request.headers.get("content-type", "")):
            return await _json_login(request)
        form = await request.form()
        check_csrf_token(request, form.get(settings.CSRF_FIELD_NAME))
        next_url = safe_redirect_url(request, form.get("next"), "")
        try:
            user = await _credentials(request, form.get("username"), form.get("password"))
        except PasswordTooLongError as exc:
            return _form(request, next_url, str(exc), status_code=400)
        if user is None:
            return _form(request, next_url, INVALID_LOGIN, status_code=400)
        response = RedirectResponse(next_url or settings.LOGIN_REDIRECT_URL, 303)
        remember = form.get("remember") in ("on", "true", "1")
        await get_login_manager().login(request, user, response, remember=remember)
        return response

    @post("/logout")
    async def logout(self, request: Request) -> Any:
        """Log out; browsers go to LOGOUT_REDIRECT_URL, API clients get 204."""
        wants_json = is_json_content_type(request.headers.get("content-type", "")) or (
            "application/json" in request.headers.get("accept", "")
        )
        response: Any = (
            Response(status_code=204)
            if wants_json
            else RedirectResponse(settings.LOGOUT_REDIRECT_URL, 303)
        )
        await get_login_manager().logout(request, response)
        return response


def _form(request: Request, next_url: str, error: str | None = None, status_code: int = 200) -> Any:
    context = {
        "next": next_url,
        "error": error,
        "field_name": settings.CSRF_FIELD_NAME,
    }
    return render(request, "auth/login.html", context, status_code=status_code)


async def _json_login(request: Request) -> Any:
    data = await request.json()
    if not isinstance(data, dict):
        raise HTTPException(
            400,
            'Send a JSON object: {"username": "...", "password": "..."}.',
            errors=[{"loc": ["body"], "msg": "Expected an object", "type": "type_error"}],
        )
    try:
        user = await _credentials(request, data.get("username"), data.get("password"))
    except PasswordTooLongError as exc:
        raise HTTPException(
            400,
            str(exc),
            errors=[{"loc": ["body", "password"], "msg": str(exc), "type": "too_long"}],
        ) from None
    if user is None:
        raise HTTPException(401, INVALID_LOGIN)
    manager = get_login_manager()
    await manager.login(request, user)
    response = JSONResponse({"user": _user_data(user), "csrf_token": get_csrf_token(request)})
    if data.get("remember") is True:
        await manager.remember(response, user)
    return response
