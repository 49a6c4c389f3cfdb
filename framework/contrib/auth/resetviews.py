"""``/password-reset``: ask for a link by mail, follow it, choose a new password.

Browsers get HTML forms (``auth/password_reset_*.html``; put templates of those names in
TEMPLATES_DIRS to restyle them) posted back with a CSRF token; API clients post JSON.

* ``GET /password-reset`` — the form asking for an address.
* ``POST /password-reset`` (``email``) — the same answer whether or not an account has that
  address (202 for JSON); when one does, the mail is sent after the response.
* ``GET /password-reset/{uid}/{token}`` — the new-password form, or 400 for a link that is
  invalid, used or expired.
* ``POST /password-reset/{uid}/{token}`` (``new_password1`` and ``new_password2``, or JSON
  ``{"password": ...}``) — checked by PASSWORD_VALIDATORS; on success every session and
  remember-me cookie of the user ends, and the link is spent.

Links are absolute: SITE_URL when set, else the request's own (ALLOWED_HOSTS-checked) host.
"""

from __future__ import annotations

import logging
from typing import Any

from framework.auth.csrf import check_csrf_token
from framework.auth.passwords import PasswordTooLongError
from framework.auth.validators import PasswordValidationError
from framework.conf import settings
from framework.web import Controller, HTTPException, get, post, render
from framework.web.requests import Request, is_json_content_type
from framework.web.responses import JSONResponse

__all__ = ["PasswordResetController"]

logger = logging.getLogger("framework.contrib.auth")

SENT = "If an account uses that address, a link to choose a new password is on its way."
INVALID_LINK = "This password reset link is invalid, used or expired. Ask for a new one."
DONE = "Your password has been set: log in with it."
MISMATCH = "The two passwords do not match."
_PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _is_json(request: Request) -> bool:
    return is_json_content_type(request.headers.get("content-type", ""))


async def _fields(request: Request, *names: str) -> dict[str, Any]:
    """Return *names* from a JSON object, or from a form after its CSRF check."""
    if _is_json(request):
        data = await request.json()
        if not isinstance(data, dict):
            raise HTTPException(400, "Send a JSON object.")
        return {name: data.get(name) for name in names}
    form = await request.form()
    check_csrf_token(request, form.get(settings.CSRF_FIELD_NAME))
    return {name: form.get(name) for name in names}


def _site(request: Request) -> str:
    return str(settings.SITE_URL or request.base_url).rstrip("/")


async def _send(message: Any) -> None:
    try:
        await message.asend()
    except Exception:
        logger.exception("The password reset mail to %s could not be sent", message.to)


class PasswordResetController(Controller):
    """The four steps of a password reset, for forms and JSON."""

    path = "/password-reset"

    @get("")
    async def request_form(self, request: Request) -> Any:
        """Show the form that asks for the account's address."""
        return _page(request, "auth/password_reset_form.html")

    @post("")
    async def request_link(self, request: Request) -> Any:
        """Mail a reset link to the account with that address, if there is one."""
        from framework.contrib.auth.passwordreset import (
            encode_uid,
            make_reset_token,
            reset_mail,
            users_for_email,
        )

        email = (await _fields(request, "email"))["email"]
        if not isinstance(email, str):
            raise HTTPException(
                400,
                'Send the address: {"email": "..."}.',
                errors=[{"loc": ["body", "email"], "msg": "Field required", "type": "missing"}],
            )
        site = _site(request)
        for user in await users_for_email(email):
            path = request.app.url_for(
                "PasswordResetController.confirm_form",
                uid=encode_uid(user.id),
                token=make_reset_token(user),
            )
            request.after_response(_send, reset_mail(user, site + path, site))
        if _is_json(request):
            return JSONResponse({"detail": SENT}, status_code=202)
        return _page(request, "auth/password_reset_done.html", message=SENT)

    @get("/{uid}/{token}")
    async def confirm_form(self, request: Request, uid: str, token: str) -> Any:
        """Show the new-password form for a valid link; 400 for any other."""
        from framework.contrib.auth.passwordreset import user_for_reset

        user = await user_for_reset(uid, token)
        if user is None:
            return _page(request, "auth/password_reset_confirm.html", error=INVALID_LINK, code=400)
        return _page(
            request, "auth/password_reset_confirm.html", valid=True, username=user.username
        )

    @post("/{uid}/{token}")
    async def confirm(self, request: Request, uid: str, token: str) -> Any:
        """Set the new password (validated), end the user's sessions, spend the link."""
        from framework.contrib.auth.passwordreset import user_for_reset
        from framework.contrib.auth.users import set_password
        from framework.db import transaction

        json_body = _is_json(request)
        fields = await _fields(request, "password", "new_password1", "new_password2")
        user = await user_for_reset(uid, token)
        if user is None:
            if json_body:
                raise HTTPException(400, INVALID_LINK)
            return _page(request, "auth/password_reset_confirm.html", error=INVALID_LINK, code=400)
        password = fields["password"] if json_body else fields["new_password1"]
        problem = _problem(password, None if json_body else fields["new_password2"], json_body)
        if problem is None:
            try:
                async with transaction():
                    await set_password(user, password)
                    await user.revoke_sessions()
            except (PasswordValidationError, PasswordTooLongError) as exc:
                problem = str(exc)
        if problem is not None:
            if json_body:
                raise HTTPException(
                    422,
                    problem,
                    errors=[{"loc": ["body", "password"], "msg": problem, "type": "invalid"}],
                )
            return _page(
                request, "auth/password_reset_confirm.html", valid=True, error=problem, code=400
            )
        if json_body:
            return JSONResponse({"detail": DONE})
        return _page(request, "auth/password_reset_complete.html", message=DONE)


def _problem(password: Any, again: Any, json_body: bool) -> str | None:
    if not isinstance(password, str) or not password:
        return "Enter a new password."
    if not json_body and password != again:
        return MISMATCH
    return None


def _page(request: Request, template: str, code: int = 200, **context: Any) -> Any:
    context.setdefault("field_name", settings.CSRF_FIELD_NAME)
    context.setdefault("login_url", settings.LOGIN_URL)
    return render(request, template, context, status_code=code, headers=_PRIVATE)
