"""``AuthenticationMiddleware``: ``request.user`` on every request, logged in or not.

::

    MIDDLEWARE = [
        ...,
        "framework.web.middleware.SessionMiddleware",
        "framework.auth.CSRFMiddleware",
        "framework.auth.AuthenticationMiddleware",     # after the session
    ]

Every route then sees ``request.user`` (also ``request.state.user`` and ``ws.user``): the
user of the session (through LOGIN_MANAGER, the same loader and checks as
``@login_required``), or None. Templates and navigation on public pages can show who is
logged in without protecting the page.

What it costs: a request whose session names no user and that carries no remember-me
cookie gets None without any IO. Otherwise the user is loaded once, in the route's database
scope, just before the hooks and the handler, and shared with ``@login_required`` (no
second query). Static files, mounted apps and the documentation assets never load it.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from framework.auth.decorators import get_login_manager
from framework.auth.login import USER_ID_KEY

__all__ = ["AuthenticationMiddleware"]


class AuthenticationMiddleware:
    """Make ``request.user`` available on every request (None when no one is logged in)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            scope.setdefault("user", None)  # mounted apps and static files: nobody loaded
        await self.app(scope, receive, send)

    @staticmethod
    async def before_request(request: HTTPConnection) -> None:
        """Load the session's user for a route, before its hooks and handler (no answer)."""
        manager = get_login_manager()
        session = request.session
        remembered = request.cookies.get(manager.remember_cookie_name)
        if session.get(USER_ID_KEY) is None and not remembered:
            user = None  # anonymous: no query
        else:
            user = await manager.current_user(request)
        request.scope["user"] = user
        request.state.user = user
