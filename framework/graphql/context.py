"""``info.context``: the request, the user, the database session and the loaders.

One :class:`GraphQLContext` is made per HTTP request and per WebSocket connection. Its
``user`` is looked up before any resolver runs, through the project's auth: the backends
of GRAPHQL_AUTHENTICATION whose credentials the request carries (a token, a JWT, Basic),
then the session login of LOGIN_MANAGER. A request without credentials costs no query.
An ``@authenticate`` or ``@login_required`` resolver that admits the request leaves its
user in ``request.state.user``, which ``user`` then returns.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from framework.graphql.loaders import DataLoader, column_of, rows_by_column

__all__ = ["GraphQLContext", "configured_backends", "header_authenticated", "resolve_user"]


class GraphQLContext:
    """What every resolver receives as ``info.context``."""

    def __init__(self, request: Any) -> None:
        #: The framework's ``Request`` (HTTP) or ``WebSocket`` (subscriptions).
        self.request = request
        self._user: Any = None
        self._loaders: dict[Any, DataLoader[Any, Any]] = {}

    def __repr__(self) -> str:
        return f"<GraphQLContext {self.request.url.path}>"

    @property
    def user(self) -> Any:
        """Return the authenticated user, or None."""
        user = getattr(self.request.state, "user", None)
        return user if user is not None else self._user

    @property
    def db(self) -> Any:
        """Return the request's database session (one for every resolver of the request)."""
        return self.request.db

    async def authenticate(self) -> None:
        """Look the user up once, before execution (see the module's documentation)."""
        self._user = await resolve_user(self.request)

    def loader(
        self, batch: Callable[[list[Any]], Awaitable[Sequence[Any]]]
    ) -> DataLoader[Any, Any]:
        """Return this request's :class:`DataLoader` for the batch function *batch*."""
        found = self._loaders.get(batch)
        if found is None:
            found = self._loaders[batch] = DataLoader(batch)
        return found

    async def load(self, target: Any, key: Any) -> Any:
        """Return the row of *target* (a model, by primary key, or a unique column) or None."""
        if key is None:
            return None
        column = column_of(target)
        return await self._column_loader(column, many=False).load(key)

    async def load_all(self, column: Any, key: Any) -> list[Any]:
        """Return every row whose *column* (``Comment.post_id``) equals *key*."""
        if key is None:
            return []
        return list(await self._column_loader(column_of(column), many=True).load(key))

    def _column_loader(self, column: Any, many: bool) -> DataLoader[Any, Any]:
        marker = (column, many)
        found = self._loaders.get(marker)
        if found is None:

            async def batch(keys: list[Any]) -> list[Any]:
                rows = await rows_by_column(self.db, column, keys)
                if many:
                    return [rows[key] for key in keys]
                return [rows[key][0] if rows[key] else None for key in keys]

            found = self._loaders[marker] = DataLoader(batch)
        return found


async def resolve_user(request: Any) -> Any:
    """Return the user *request* authenticates as (configured backends, then session)."""
    from framework.auth.backends import authenticated_user

    for backend in configured_backends(request):
        if backend.accepts(request):
            user = await authenticated_user(backend, request)
            if user is not None:
                return user
    if "session" not in request.scope:
        return None
    from framework.auth.decorators import get_login_manager
    from framework.auth.login import USER_ID_KEY

    remember = request.app.settings.REMEMBER_COOKIE_NAME
    if request.session.get(USER_ID_KEY) is None and remember not in request.cookies:
        return None  # nobody logged in: no query
    return await get_login_manager().current_user(request)


_resolved: dict[tuple[str, ...], list[Any]] = {}


def configured_backends(request: Any) -> list[Any]:
    """Return the backends GRAPHQL_AUTHENTICATION names, each imported once."""
    from framework.auth.backends import AuthBackend
    from framework.exceptions import ImproperlyConfigured
    from framework.module_loading import import_string

    paths = tuple(str(path) for path in request.app.settings.GRAPHQL_AUTHENTICATION)
    if paths not in _resolved:
        backends = []
        for path in paths:
            backend = import_string(path, setting="GRAPHQL_AUTHENTICATION")
            if not isinstance(backend, AuthBackend):
                raise ImproperlyConfigured(
                    f"GRAPHQL_AUTHENTICATION names {path!r}, which is not an AuthBackend "
                    "instance (such as 'myproject.auth:token_auth' where token_auth = "
                    "UserTokenAuth())."
                )
            backends.append(backend)
        _resolved[paths] = backends
    return _resolved[paths]


async def header_authenticated(request: Any) -> bool:
    """Return whether a GRAPHQL_AUTHENTICATION backend authenticates *request* by its header.

    The endpoint's answer to the CSRF check (``framework.web.deferred``): a request carrying
    the session cookie and a token the endpoint accepts is an API call, not a forged form.
    """
    from framework.auth.backends import authenticated_user

    for backend in configured_backends(request):
        if backend.accepts(request) and await authenticated_user(backend, request) is not None:
            return True
    return False
