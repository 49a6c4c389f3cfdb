"""JWTs for ``framework.contrib.auth`` users: issue one, read it back, log in for one.

A user's token holds ``sub`` (the user id), ``username`` and ``sv``: a fingerprint of the
user's password hash and session version, so changing the password, logging out
everywhere or deactivating the user invalidates every token they had — as it ends their
sessions. Issue tokens with ``manage.py users jwt USERNAME`` or an endpoint of your own::

    from framework.contrib.auth.jwt import JWTLoginController

    class TokenController(JWTLoginController):    # in one of your apps' controllers.py
        path = "/api/token"                        # POST {"username", "password"}
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import Any

from framework.auth.jwt import create_jwt
from framework.auth.passwords import PasswordTooLongError
from framework.conf import settings
from framework.web import Controller, HTTPException, post
from framework.web.requests import Request

__all__ = ["JWTLoginController", "issue_jwt", "user_for_claims"]

INVALID_LOGIN = "Please enter a correct username and password."


def _fingerprint(user: Any) -> str:
    return str(user.get_session_auth_hash())[:32]


def issue_jwt(user: Any, expires_in: int | float | timedelta | None = None) -> str:
    """Return a signed token for *user* (valid JWT_LIFETIME seconds unless *expires_in*)."""
    claims = {"sub": str(user.id), "username": user.username, "sv": _fingerprint(user)}
    return create_jwt(claims, expires_in=expires_in)


async def user_for_claims(claims: dict[str, Any]) -> Any:
    """Return the active user verified *claims* name, if the token is still theirs; else None."""
    from framework.contrib.auth.models import User

    subject, fingerprint = claims.get("sub"), claims.get("sv")
    if not isinstance(subject, str) or not subject.isdigit() or not isinstance(fingerprint, str):
        return None
    user = await User.get(int(subject))
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(_fingerprint(user), fingerprint):
        return None  # password changed or logged out everywhere since the token was issued
    return user


class JWTLoginController(Controller):
    """``POST <path>`` with ``{"username": ..., "password": ...}`` → a bearer JWT.

    Not served by itself: subclass it in one of your apps' ``controllers.py`` and set
    ``path``. The answer follows OAuth 2.0's token response: ``access_token``,
    ``token_type`` ("bearer") and ``expires_in`` (seconds); a wrong password and an unknown
    user get the same 401. Attempts count against LOGIN_THROTTLE (429 over it).
    """

    path = "/token"

    @post("")
    async def issue(self, request: Request) -> Any:
        """Check the credentials and answer a token for them."""
        from framework.auth.throttling import login_throttle
        from framework.contrib.auth.users import authenticate_user

        data = await request.json()
        username = data.get("username") if isinstance(data, dict) else None
        password = data.get("password") if isinstance(data, dict) else None
        if not isinstance(username, str) or not isinstance(password, str):
            raise HTTPException(
                400,
                'Send a JSON object: {"username": "...", "password": "..."}.',
                errors=[
                    {"loc": ["body"], "msg": "Expected username and password", "type": "missing"}
                ],
            )
        attempt = await login_throttle.reserve(request, username)  # LOGIN_THROTTLE: 429
        try:
            user = await authenticate_user(username, password)
        except PasswordTooLongError as exc:
            raise HTTPException(400, str(exc)) from None
        if user is None:
            raise HTTPException(401, INVALID_LOGIN)
        await attempt.succeeded()
        lifetime = int(settings.JWT_LIFETIME)
        return {"access_token": issue_jwt(user), "token_type": "bearer", "expires_in": lifetime}
