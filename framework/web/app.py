"""``App``: the ASGI application — alone for a small service, or built from a project's settings.

::

    from framework import App

    app = App()

    @app.get("/")
    async def index(request):
        return {"hello": "world"}

An App records declarations — routes, mounts and hosts on its :class:`Router`
(``app.router``), hooks, error handlers, middleware — and is built once: by its first request
or its lifespan, or earlier by ``app.build()``, ``app.url_for()`` or ``app.routes``. Building
(:mod:`framework.web.building`) reads the settings once, checks every declaration and
composes each endpoint; from then on the routes, the middleware stack and the ``url_for``
table are fixed, and a setup method called later raises an error saying so. In a project,
:func:`~framework.web.project.get_asgi_application` builds the App from INSTALLED_APPS.

While the App handles a request (or runs its lifespan) it is the current app:
:func:`current_app` and the module-level ``url_for`` find it through a context variable
(:mod:`framework.appcontext`), so two Apps in one process never see each other's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from starlette.datastructures import State
from starlette.middleware import Middleware
from starlette.routing import BaseRoute
from starlette.types import Receive, Scope, Send

from framework.appcontext import CURRENT_APP, active
from framework.exceptions import ImproperlyConfigured
from framework.web.assembly import RouteSource
from framework.web.background import BackgroundRunner
from framework.web.building import AppPlan, BuiltApp, build_app
from framework.web.controllers import Controller
from framework.web.cors import PolicyPaths
from framework.web.dispatcher import Lifespan
from framework.web.errors import ErrorHandlers
from framework.web.lifespan import AppLifespan
from framework.web.pipeline import RouteDecl
from framework.web.routing import RouteDeclarations, Router
from framework.web.standalone import configure_standalone
from framework.web.templates import project_templates

__all__ = ["App", "current_app"]

F = TypeVar("F", bound=Callable[..., Any])


def current_app() -> App:
    """Return the App in charge here: the one serving this request, or this command's project."""
    app = active()
    if not isinstance(app, App):
        raise LookupError(
            "No app is current here: current_app() and url_for() work inside a request, a "
            "management command, or a test that uses the app fixture. Elsewhere call "
            "app.url_for(...) on the App itself."
        )
    return app


class App(RouteDeclarations):
    """The application: routes, middleware, error handlers, hooks and the apps' lifecycle."""

    def __init__(
        self,
        *,
        debug: bool | None = None,
        routes: Sequence[BaseRoute] | None = None,
        middleware: Sequence[Any] | None = None,
        exception_handlers: Mapping[Any, Callable[..., Any]] | None = None,
        lifespan: Lifespan | None = None,
        sources: Sequence[RouteSource] = (),
        run_app_hooks: bool = False,
        default_routes: Sequence[BaseRoute] = (),
        **standalone: Any,
    ) -> None:
        from framework.conf import settings

        if standalone:  # env_file, env_prefix, encoding, config: see framework.web.standalone
            configure_standalone(settings, **standalone)
        #: The settings the app was created under (overrides included), read at build time.
        self.settings = settings.wrapped
        debug = bool(self.settings.DEBUG if debug is None else debug)
        #: Per-app state for your code (``request.app.state``).
        self.state = State()
        #: The app's own routes, mounts and hosts (``app.get``, ``app.mount``… declare here).
        self.router = Router()
        self.error_handlers = ErrorHandlers()
        for key, handler in (exception_handlers or {}).items():
            self.error_handlers.add(key, handler)
        self.background = BackgroundRunner(int(self.settings.BACKGROUND_WORKERS or 0))
        self.templates = project_templates(self.settings, debug=debug, url_for=self.url_for)
        drain = float(self.settings.BACKGROUND_DRAIN or 0) or None
        self.lifespan = AppLifespan(
            self.background, drain, run_app_hooks=run_app_hooks, user_lifespan=lifespan
        )
        self._plan = AppPlan(
            self.settings,
            debug,
            self.router,
            self.error_handlers,
            self.background,
            sources=[RouteSource(routers=[self.router]), *sources],
            middleware=middleware,
            default_routes=list(default_routes),
        )
        for route in routes or ():
            self.router.add_asgi_route(route)
        self._built: BuiltApp | None = None
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection (or the lifespan), building the app on first use."""
        scope["app"] = self
        built = self._built
        if built is None:
            lifespan = scope["type"] == "lifespan"
            built = self._build("by its lifespan" if lifespan else "by its first request")
        token = CURRENT_APP.set(self)
        try:
            await built.stack(scope, receive, send)
        finally:
            CURRENT_APP.reset(token)

    # -- building -------------------------------------------------------------------------

    def build(self, *, by: str = "app.build()") -> None:
        """Build the app now (else its first use does); refuse broken declarations.

        Calling it again does nothing: an App is built once. *by* names the caller in the
        message a setup call made after the build gets ("it was built by ...").
        """
        if self._built is None:
            self._build(f"by {by}")

    def _build(self, reason: str) -> BuiltApp:
        with self._lock:
            if self._built is None:
                built = build_app(self._plan, self.lifespan, reason)
                for source in self._plan.sources:
                    for router in source.routers:
                        router.close(reason)
                self._built = built
            return self._built

    def _check_open(self, setup: str) -> None:
        if self._built is not None:
            raise ImproperlyConfigured(
                f"The setup method {setup!r} can no longer be called on the App: it was built "
                f"{self._built.reason}, and its routes, middleware and url_for table are fixed "
                "from then on. Make every declaration (routes, mounts, hooks, error handlers, "
                "middleware) before the app serves, and before app.build(), app.url_for() or "
                "app.routes."
            )

    def _keep(self, func: Callable[..., Any], decl: RouteDecl) -> None:
        self.router._keep(func, decl)

    @property
    def debug(self) -> bool:
        """Whether errors show the DEBUG pages (defaults to the DEBUG setting)."""
        return self._plan.debug

    @debug.setter
    def debug(self, value: bool) -> None:
        self._check_open("debug")
        self._plan.debug = self.templates.auto_reload = bool(value)

    @property
    def config(self) -> Any:
        """Return the app's settings: ``app.config.DEBUG``, ``.get(key, default, cast)``, …"""
        return self.settings

    @property
    def cors_paths(self) -> PolicyPaths:
        """Return where routes have a CORS policy of their own (``@cors``); read per request."""
        return self._built.cors_paths if self._built is not None else PolicyPaths()

    @property
    def routes(self) -> tuple[BaseRoute, ...]:
        """Return the built routes, in match order (building the app if needed)."""
        return (self._built or self._build("by reading app.routes")).dispatcher.routes

    def url_for(self, name: str, /, **params: Any) -> str:
        """Return the path of route *name* (``app.url_for("PostController.show", id=3)``)."""
        built = self._built or self._build("by app.url_for()")
        return str(built.dispatcher.url_path_for(name, **params))

    def describe_routes(self) -> list[dict[str, Any]]:
        """Return every route as a dict (methods, path, name, handler, app), in match order."""
        return (self._built or self._build("by app.describe_routes()")).describe_routes()

    # -- declarations ---------------------------------------------------------------------

    def add_route(
        self,
        path: str,
        endpoint: Callable[..., Any] | None = None,
        methods: Sequence[str] = ("GET",),
        name: str | None = None,
        *,
        static: bool = False,
        index: str = "index.html",
        **options: Any,
    ) -> None:
        """Serve *endpoint* on *path*; ``static=True`` serves the SPA *index* there instead.

        See :meth:`Router.add_route`: with ``static=True``, *path* and every unknown GET
        path answer with the static file *index*.
        """
        self._check_open("add_route")
        self.router.add_route(path, endpoint, methods, name, static=static, index=index, **options)

    def add_asgi_route(self, route: BaseRoute) -> None:
        """Serve a ready-made Starlette route (``Route``, ``Mount``, ``WebSocketRoute``)."""
        self._check_open("add_asgi_route")
        self.router.add_asgi_route(route)

    def mount(self, path: str, app: Any, name: str | None = None) -> None:
        """Serve the ASGI *app* at *path* and every path below it (see ``Router.mount``)."""
        self._check_open("mount")
        self.router.mount(path, app, name=name)

    def host(self, host: str, target: Any, *, name: str | None = None) -> None:
        """Serve a ``Router`` or an ASGI app for requests to *host* (see ``Router.host``)."""
        self._check_open("host")
        self.router.host(host, target, name=name)

    def include(self, target: Router | type[Controller], *, prefix: str = "") -> None:
        """Serve a ``Router`` or a ``Controller`` class, under an optional path *prefix*."""
        self._check_open("include")
        if isinstance(target, Router):
            source = RouteSource(prefix=prefix, routers=[target])
        elif isinstance(target, type) and issubclass(target, Controller):
            source = RouteSource(prefix=prefix, controllers=[target])
        else:
            raise TypeError(f"include() takes a Router or a Controller class; got {target!r}.")
        self._plan.sources.append(source)

    def add_middleware(self, cls: Any, *args: Any, **options: Any) -> None:
        """Wrap the routes in the middleware *cls* (before the app is built).

        Added middleware runs inside MIDDLEWARE (so the host check, sessions and CSRF come
        first), the last one added outermost, as in Starlette. For a project, prefer the
        MIDDLEWARE setting: it is one list, in order, that ``manage.py check`` can see.
        """
        self._check_open("add_middleware")
        self._plan.added_middleware.append(Middleware(cls, *args, **options))

    # -- hooks and errors -----------------------------------------------------------------

    def before_request(self, func: F) -> F:
        """Run ``func(request)`` before every handler; a returned value answers the request."""
        self._check_open("before_request")
        self._plan.before.append(func)
        return func

    def after_request(self, func: F) -> F:
        """Run ``func(request, response)`` after every handler; a returned value replaces it."""
        self._check_open("after_request")
        self._plan.after.append(func)
        return func

    def on_startup(self, func: F) -> F:
        """Run *func* (sync or async) when the server starts, after the apps' hooks."""
        self._check_open("on_startup")
        self.lifespan.startup.append(func)
        return func

    def on_shutdown(self, func: F) -> F:
        """Run *func* when the server stops (in reverse registration order)."""
        self._check_open("on_shutdown")
        self.lifespan.shutdown.append(func)
        return func

    def error_handler(self, *keys: int | type[BaseException]) -> Callable[[F], F]:
        """Register ``handler(request, exc)`` for status codes and/or exception classes."""
        self._check_open("error_handler")

        def decorator(func: F) -> F:
            self._check_open("error_handler")
            for key in keys:
                self.error_handlers.add(key, func)
            return func

        return decorator

    def add_exception_handler(self, key: Any, handler: Any) -> None:
        """Register *handler* for a status code or exception class (Starlette's spelling)."""
        self._check_open("add_exception_handler")
        self.error_handlers.add(key, handler)
