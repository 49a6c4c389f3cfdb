"""``App``: the ASGI application — alone for a small service, or built from a project's settings.

::

    from framework import App

    app = App()

    @app.get("/")
    async def index(request):
        return {"hello": "world"}

Routes, hooks and error handlers may be added until the app serves its first request; the
routes and the middleware stack are then built once (settings read once, endpoints
composed), so requests pay only for what is installed. In a project,
:func:`~framework.web.project.get_asgi_application` builds the App from INSTALLED_APPS.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp

from framework.web.assembly import BuildContext, RouteSource, build_routes
from framework.web.background import BackgroundRunner
from framework.web.controllers import Controller
from framework.web.cors import PolicyPaths, preflight_routes
from framework.web.errors import ErrorHandlers, ExceptionMiddleware, ServerErrorMiddleware
from framework.web.limits import HeaderSizeMiddleware
from framework.web.manifest import load_manifest
from framework.web.middleware.loading import build_middleware, middleware_before_hooks
from framework.web.middleware.requestid import RequestIdMiddleware
from framework.web.pipeline import ensure_async
from framework.web.routes import Dispatcher, describe_routes, reverse
from framework.web.routing import Router
from framework.web.standalone import configure_standalone
from framework.web.staticfiles import IndexFallback, StaticFiles
from framework.web.templates import Templates

__all__ = ["App", "current_app"]

logger = logging.getLogger("framework.web")
F = TypeVar("F", bound=Callable[..., Any])

_current: dict[str, App] = {}


def current_app() -> App:
    """Return the app built most recently (what module-level ``url_for`` resolves against)."""
    try:
        return _current["app"]
    except KeyError:
        raise LookupError(
            "No App has been built yet: url_for() works once the app serves (or after app.build())."
        ) from None


class App(Starlette):
    """The application: routes, middleware, error handlers, hooks and the apps' lifecycle."""

    def __init__(
        self,
        *,
        debug: bool | None = None,
        routes: Sequence[BaseRoute] | None = None,
        middleware: Sequence[Any] | None = None,
        exception_handlers: Mapping[Any, Callable[..., Any]] | None = None,
        lifespan: Callable[[App], contextlib.AbstractAsyncContextManager[Any]] | None = None,
        sources: Sequence[RouteSource] = (),
        run_app_hooks: bool = False,
        **standalone: Any,
    ) -> None:
        from framework.conf import settings

        if standalone:  # env_file, env_prefix, encoding, config: see framework.web.standalone
            configure_standalone(settings, **standalone)
        #: The settings the app was created under (overrides included), read at build time.
        self.settings = settings.wrapped
        super().__init__(debug=self.settings.DEBUG if debug is None else debug)
        self.dispatcher = Dispatcher(lifespan=self._lifespan)
        self.router = self.dispatcher
        self.error_handlers = ErrorHandlers()
        for key, handler in (exception_handlers or {}).items():
            self.error_handlers.add(key, handler)
        self.background = BackgroundRunner(int(self.settings.BACKGROUND_WORKERS or 0))
        self.templates = Templates(
            self._template_dirs(),
            url_for=self.url_for,
            static_prefix=self.settings.STATIC_URL,
            auto_reload=self.debug,
            strict=bool(self.settings.get("TEMPLATES_STRICT", False)),
            static_names=self._static_manifest,
        )
        self._extra_routes = list(routes or [])
        self._middleware_entries = middleware
        self._user_lifespan = lifespan
        self._run_app_hooks = run_app_hooks
        self._own = Router()
        self._own.listeners.append(self._changed)
        self._sources = [RouteSource(routers=[self._own]), *sources]
        self._before: list[Callable[..., Any]] = []
        self._after: list[Callable[..., Any]] = []
        self._startup: list[Callable[..., Any]] = []
        self._shutdown: list[Callable[..., Any]] = []
        self._fallback: ASGIApp | None = None
        self._built = False
        #: Where routes have a CORS policy of their own (``@cors``), set by the build.
        self.cors_paths: PolicyPaths = ()

    @property
    def config(self) -> Any:
        """Return the app's settings: ``app.config.DEBUG``, ``.get(key, default, cast)``, …"""
        return self.settings

    # -- building -------------------------------------------------------------------------

    def build(self) -> None:
        """Build the routes now (done on first use); refuse broken declarations."""
        context = BuildContext.from_settings(
            self.settings,
            self.background,
            before=[*middleware_before_hooks(self._entries()), *map(ensure_async, self._before)],
            after=[ensure_async(hook) for hook in self._after],
        )
        routes = [*self._extra_routes, *build_routes(self._sources, context)]
        routes, self.cors_paths = preflight_routes(routes, self.settings)
        static_dirs = self._static_dirs()
        if static_dirs:
            prefix = "/" + self.settings.STATIC_URL.strip("/")
            routes.append(Mount(prefix, app=StaticFiles(static_dirs), name="static"))
        media = self._media_mount()
        if media is not None:
            routes.append(media)
        self.dispatcher.routes = routes
        self.dispatcher.fallback = self._fallback
        self._built = True
        _current["app"] = self

    def _changed(self) -> None:
        if self._built:
            self.build()

    def build_middleware_stack(self) -> ASGIApp:
        """Return the ASGI stack: request ids, error pages, MIDDLEWARE, handled errors, routes."""
        if not self._built:
            self.build()
        entries = self._entries()
        prefixed = [
            (source.prefix, source.error_handlers)
            for source in self._sources
            if source.prefix and source.error_handlers
        ]
        header_limit = int(self.settings.MAX_HEADER_SIZE or 0)
        stack = [
            Middleware(
                ServerErrorMiddleware,
                handlers=self.error_handlers,
                debug=self.debug,
                prefixed=prefixed,
            ),
            # Whatever the server: headers over MAX_HEADER_SIZE never reach MIDDLEWARE.
            *([Middleware(HeaderSizeMiddleware, limit=header_limit)] if header_limit else []),
            *build_middleware(entries, self.settings),
            Middleware(
                ExceptionMiddleware,
                handlers=self.error_handlers,
                prefixed=prefixed,
                debug=self.debug,
                describe_routes=self.describe_routes,
            ),
        ]
        app: ASGIApp = self.router
        for cls, args, kwargs in reversed(stack):
            app = cls(app, *args, **kwargs)
        return RequestIdMiddleware(app)

    def _entries(self) -> Sequence[Any]:
        """Return the middleware entries: the App's own, or MIDDLEWARE."""
        if self._middleware_entries is None:
            return list(self.settings.MIDDLEWARE)
        return self._middleware_entries

    def _template_dirs(self) -> list[Path]:
        base = Path(self.settings.BASE_DIR or ".")
        dirs = [base / directory for directory in self.settings.TEMPLATES_DIRS]
        return dirs + [path for path in (c.templates_dir for c in _app_configs()) if path]

    def _static_dirs(self) -> list[Path]:
        serve = self.settings.SERVE_STATIC
        if serve is False or (serve is None and not self.debug):
            return []
        if not self.debug and self.settings.STATIC_ROOT:
            # Relative to BASE_DIR, as collectstatic writes it.
            return [Path(self.settings.BASE_DIR or ".") / self.settings.STATIC_ROOT]
        return static_source_dirs(self.settings)

    def _media_mount(self) -> Mount | None:
        """Serve the default filesystem storage at MEDIA_URL in DEBUG (static files' rules)."""
        media_url = "/" + str(self.settings.MEDIA_URL or "").strip("/")
        if not self.debug or media_url == "/" or self.settings.SERVE_STATIC is False:
            return None
        from framework.files import FileSystemStorage
        from framework.files.registry import create_storage

        try:
            entry = self.settings.STORAGES["default"]
            storage = create_storage("default", entry, self.settings)
        except Exception:  # a bad STORAGES is reported by the system checks
            return None
        if not isinstance(storage, FileSystemStorage):
            return None
        return Mount(media_url, app=StaticFiles([storage.location]), name="media")

    def _static_manifest(self) -> Mapping[str, str]:
        """Return the hashed static names in force: STATIC_ROOT's manifest, unless DEBUG."""
        if self.debug or not self.settings.STATIC_ROOT:
            return {}
        return load_manifest(Path(self.settings.BASE_DIR or ".") / self.settings.STATIC_ROOT)

    @contextlib.asynccontextmanager
    async def _lifespan(self, app: Any) -> AsyncIterator[Any]:
        from framework.apps import apps
        from framework.runtime import run_cleanups

        if self._run_app_hooks:
            await apps.startup()
        try:
            for hook in self._startup:
                await ensure_async(hook)()
            if self._user_lifespan is not None:
                async with self._user_lifespan(self) as state:
                    yield state
            else:
                yield None
        finally:
            for hook in reversed(self._shutdown):
                try:
                    await ensure_async(hook)()
                except Exception:
                    logger.exception("Shutdown hook %r failed", hook)
            await self.background.drain(float(self.settings.BACKGROUND_DRAIN or 0) or None)
            if self._run_app_hooks:
                await apps.shutdown()
            await run_cleanups()

    # -- routes ---------------------------------------------------------------------------

    def route(
        self,
        path: str,
        methods: Sequence[str] = ("GET",),
        *,
        name: str | None = None,
        **options: Any,
    ) -> Callable[[F], F]:
        """Register a function handler for *methods* on *path* (see ``framework.web.route``)."""
        return self._own.route(path, methods, name=name, **options)

    def get(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Register a GET handler for *path*."""
        return self._own.get(path, name=name, **options)

    def post(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Register a POST handler for *path*."""
        return self._own.post(path, name=name, **options)

    def put(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Register a PUT handler for *path*."""
        return self._own.put(path, name=name, **options)

    def patch(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Register a PATCH handler for *path*."""
        return self._own.patch(path, name=name, **options)

    def delete(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Register a DELETE handler for *path*."""
        return self._own.delete(path, name=name, **options)

    def websocket(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Register a WebSocket handler ``async def handler(ws, **params)`` for *path*."""
        return self._own.websocket(path, name=name, **options)

    def sse(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Register a Server-Sent Events handler for *path*."""
        return self._own.sse(path, name=name, **options)

    def add_route(  # type: ignore[override]  # endpoint optional with static=True
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
        """Register *endpoint* on *path*; ``static=True`` serves the SPA *index* there instead.

        With ``static=True`` (Dyne's single-page-app switch) *path* and every unknown GET path
        answer with the static file *index* (looked up like other static files).
        """
        if not static:
            if endpoint is None:
                raise TypeError("add_route() needs an endpoint unless static=True.")
            self._own.add_route(path, endpoint, methods, name=name, **options)
            return
        fallback = IndexFallback(static_source_dirs(self.settings), index)
        self._fallback = fallback
        self._extra_routes.append(_IndexRoute(path, fallback))
        self._changed()

    def add_asgi_route(self, route: BaseRoute) -> None:
        """Serve a ready-made Starlette route (``Route``, ``Mount``, ``WebSocketRoute``)."""
        self._extra_routes.append(route)
        self._changed()

    def mount(self, path: str, app: ASGIApp, name: str | None = None) -> None:
        """Serve the ASGI *app* at *path* and every path below it (see ``Router.mount``)."""
        self._own.mount(path, app, name=name)

    def include(self, target: Router | type[Controller], *, prefix: str = "") -> None:
        """Serve a ``Router`` or a ``Controller`` class, under an optional path *prefix*."""
        if isinstance(target, Router):
            source = RouteSource(prefix=prefix, routers=[target])
            target.listeners.append(self._changed)
        elif isinstance(target, type) and issubclass(target, Controller):
            source = RouteSource(prefix=prefix, controllers=[target])
        else:
            raise TypeError(f"include() takes a Router or a Controller class; got {target!r}.")
        self._sources.append(source)
        self._changed()

    def url_for(self, name: str, /, **params: Any) -> str:
        """Return the path of route *name* (``app.url_for("PostController.show", id=3)``)."""
        if not self._built:
            self.build()
        return reverse(self.router.routes, name, params)

    def describe_routes(self) -> list[dict[str, Any]]:
        """Return every route as a dict (methods, path, name, handler, app), in match order."""
        if not self._built:
            self.build()
        return describe_routes(self.router.routes)

    # -- hooks and errors -----------------------------------------------------------------

    def before_request(self, func: F) -> F:
        """Run ``func(request)`` before every handler; a returned value answers the request."""
        self._before.append(func)
        self._changed()
        return func

    def after_request(self, func: F) -> F:
        """Run ``func(request, response)`` after every handler; a returned value replaces it."""
        self._after.append(func)
        self._changed()
        return func

    def on_startup(self, func: F) -> F:
        """Run *func* (sync or async) when the server starts, after the apps' hooks."""
        self._startup.append(func)
        return func

    def on_shutdown(self, func: F) -> F:
        """Run *func* when the server stops (in reverse registration order)."""
        self._shutdown.append(func)
        return func

    def error_handler(self, *keys: int | type[BaseException]) -> Callable[[F], F]:
        """Register ``handler(request, exc)`` for status codes and/or exception classes."""

        def decorator(func: F) -> F:
            for key in keys:
                self.error_handlers.add(key, func)
            return func

        return decorator

    def add_exception_handler(self, key: Any, handler: Any) -> None:
        """Register *handler* for a status code or exception class (Starlette's spelling)."""
        self.error_handlers.add(key, handler)


class _IndexRoute(Mount):
    """Serve the SPA index at exactly one path."""

    def __init__(self, path: str, app: ASGIApp) -> None:
        super().__init__("", app=app)
        self.exact_path = path

    def matches(self, scope: Any) -> Any:
        from starlette.routing import Match

        if scope["type"] == "http" and scope["path"] == self.exact_path:
            return Match.FULL, {"endpoint": self.app}
        return Match.NONE, {}


def _app_configs() -> list[Any]:
    from framework.apps import apps

    return list(apps.app_configs.values()) if apps.configs_ready else []


def static_source_dirs(settings: Any) -> list[Path]:
    """Return the folders static files come from: STATICFILES_DIRS, then each app's static/."""
    base = Path(settings.BASE_DIR or ".")
    dirs = [base / directory for directory in settings.STATICFILES_DIRS]
    return dirs + [path for path in (c.static_dir for c in _app_configs()) if path]
