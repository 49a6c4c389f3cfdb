"""Accounts in the demo: a page behind the login form, and an API behind a token.

Log in at /login (the built-in view of framework.contrib.auth), then see /account. For the
API: `python manage.py users token create demo`, then
`curl -H "Authorization: Bearer <token>" http://127.0.0.1:8000/api/me`.
"""

from __future__ import annotations

from typing import Any

from framework.auth import authenticate, login_required
from framework.contrib.auth.backends import UserTokenAuth
from framework.web import Controller, HTMLResponse, Request, get, render

token_auth = UserTokenAuth()


class AccountController(Controller):
    """The logged-in user's page."""

    @get("/account")
    @login_required
    async def account(self, request: Request) -> HTMLResponse:
        """Show who is logged in, with a button to log out."""
        return render(request, "accounts/account.html", {"user": request.state.user})


class MeController(Controller):
    """Who the API token belongs to."""

    path = "/api"

    @get("/me")
    @authenticate(token_auth)
    async def me(self, request: Request) -> dict[str, Any]:
        """Show the user the Bearer token was issued to."""
        user = request.state.user
        return {"username": user.username, "email": user.email, "roles": user.role_names}
