"""Accounts in the demo: a page behind the login form, and an API behind a token.

Log in at /login (the built-in view of framework.contrib.auth), then see /account. For the
API: `python manage.py users token create demo`, then
`curl -H "Authorization: Bearer <token>" http://127.0.0.1:8000/api/me`.
"""

from __future__ import annotations

from framework.auth import authenticate, login_required
from framework.contrib.auth.backends import UserTokenAuth
from framework.web import Controller, get, render

token_auth = UserTokenAuth()


class AccountController(Controller):
    @get("/account")
    @login_required
    async def account(self, request):
        return render(request, "accounts/account.html", {"user": request.state.user})


class MeController(Controller):
    path = "/api"

    @get("/me")
    @authenticate(token_auth)
    async def me(self, request):
        user = request.state.user
        return {"username": user.username, "email": user.email, "roles": user.role_names}
