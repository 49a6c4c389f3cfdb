"""``App``: the ASGI application, built from settings or used alone for small services."""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from framework.web.responses import to_response

__all__ = ["App", "get_asgi_application"]

Handler = Callable[..., Any]


def _endpoint(handler: Handler) -> Callable[[Request], Any]:
    """Wrap *handler* so its return value becomes a Response."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        result = handler(request, **request.path_params)
        if inspect.isawaitable(result):
            result = await result
        return to_response(result)

    return endpoint


class App(Starlette):
    """The application: routes, middleware and the apps' lifecycle hooks.

    Alone::

        app = App()

        @app.get("/")
        async def index(request):
            return {"hello": "world"}

    In a project, :func:`get_asgi_application` builds it from settings.
    """

    def __init__(
        self,
        *,
        debug: bool | None = None,
        routes: Sequence[BaseRoute] | None = None,
        middleware: Sequence[Middleware] | None = None,
        run_app_hooks: bool = False,
    ) -> None:
        from framework.conf import settings

        self._run_app_hooks = run_app_hooks
        super().__init__(
            debug=settings.DEBUG if debug is None else debug,
            routes=list(routes or []),
            middleware=list(middleware or []),
            lifespan=self._lifespan,
        )

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Starlette) -> AsyncIterator[None]:
        from framework.apps import apps
        from framework.runtime import run_cleanups

        if self._run_app_hooks:
            await apps.startup()
        try:
            yield
        finally:
            if self._run_app_hooks:
                await apps.shutdown()
            await run_cleanups()

    def route(
        self, path: str, methods: Sequence[str] | None = None, name: str | None = None
    ) -> Callable[[Handler], Handler]:
        """Register a function handler for *path* (``@app.route("/", methods=["GET"])``)."""

        def decorator(handler: Handler) -> Handler:
            self.router.routes.append(
                Route(
                    path,
                    _endpoint(handler),
                    methods=list(methods or ["GET"]),
                    name=name or handler.__name__,
                )
            )
            return handler

        return decorator

    def get(self, path: str, name: str | None = None) -> Callable[[Handler], Handler]:
        """Register a GET handler for *path*."""
        return self.route(path, ["GET"], name)

    def post(self, path: str, name: str | None = None) -> Callable[[Handler], Handler]:
        """Register a POST handler for *path*."""
        return self.route(path, ["POST"], name)

    def put(self, path: str, name: str | None = None) -> Callable[[Handler], Handler]:
        """Register a PUT handler for *path*."""
        return self.route(path, ["PUT"], name)

    def patch(self, path: str, name: str | None = None) -> Callable[[Handler], Handler]:
        """Register a PATCH handler for *path*."""
        return self.route(path, ["PATCH"], name)

    def delete(self, path: str, name: str | None = None) -> Callable[[Handler], Handler]:
        """Register a DELETE handler for *path*."""
        return self.route(path, ["DELETE"], name)


def get_asgi_application() -> App:
    """Set the project up and return its ``App`` (what ``<project>/asgi.py`` exposes).

    Refuses to build when a system check reports an error (a weak SECRET_KEY with DEBUG off,
    for instance), naming the first problem.
    """
    from framework.apps.bootstrap import setup
    from framework.checks import run_checks
    from framework.exceptions import ImproperlyConfigured
    from framework.web.project import build_routes

    setup()
    errors = [message for message in run_checks() if message.is_serious()]
    if errors:
        raise ImproperlyConfigured(f"Refusing to start: {errors[0]}")
    return App(routes=build_routes(), run_app_hooks=True)
