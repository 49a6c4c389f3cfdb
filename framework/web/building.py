"""Build an ``App`` once: its routes, the dispatcher, the middleware stack, the ``url_for`` table.

The App records declarations in an :class:`AppPlan`; :func:`build_app` reads the plan and the
settings once and returns a :class:`BuiltApp`, which nothing changes afterwards. Data flows
one way — App → Router → assembly → endpoints — and the App refuses setup calls once built.

The stack, outermost first::

    RequestIdMiddleware      request id for logs and the X-Request-ID header; in the same
                             frame, ServerErrorMiddleware's answer to unhandled errors
                             (500, the DEBUG page; re-raised for the log) and
                             HeaderSizeMiddleware's 431 over MAX_HEADER_SIZE (none at 0)
    MIDDLEWARE               the setting (or App(middleware=...)), then app.add_middleware()
    Dispatcher               hosts, routes, mounts, static files; 405/404/redirects; in the
                             same frame, ExceptionMiddleware's answer to HTTPException,
                             registered handlers and client database errors
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp

from framework.web.assembly import BuildContext, RouteSource, build_routes
from framework.web.background import BackgroundRunner
from framework.web.cors import PolicyPaths, preflight_routes
from framework.web.dispatcher import Dispatcher, Lifespan
from framework.web.errors import ErrorHandlers, ExceptionMiddleware, ServerErrorMiddleware
from framework.web.limits import HeaderSizeMiddleware
from framework.web.middleware.loading import build_middleware, middleware_before_hooks
from framework.web.middleware.requestid import RequestIdMiddleware
from framework.web.pipeline import ensure_async
from framework.web.routes import HostRoute, describe_routes
from framework.web.routing import Router
from framework.web.staticfiles import (
    StaticFiles,
    media_mount,
    served_static_dirs,
    static_source_dirs,
)

__all__ = ["AppPlan", "BuiltApp", "build_app"]


@dataclass
class AppPlan:
    """What an App declares before it is built: the input of :func:`build_app`."""

    settings: Any
    debug: bool
    router: Router
    error_handlers: ErrorHandlers
    background: BackgroundRunner
    #: The App's own router first, then the project's and each installed app's sources.
    sources: list[RouteSource] = field(default_factory=list)
    before: list[Callable[..., Any]] = field(default_factory=list)
    after: list[Callable[..., Any]] = field(default_factory=list)
    #: ``App(middleware=...)``; None means the MIDDLEWARE setting.
    middleware: Sequence[Any] | None = None
    #: ``app.add_middleware(...)``, in call order (the last one added is the outermost).
    added_middleware: list[Middleware] = field(default_factory=list)
    #: Routes served only where no declared route has the same path (the welcome page).
    default_routes: list[BaseRoute] = field(default_factory=list)


@dataclass(frozen=True)
class BuiltApp:
    """An App as built: fixed until the process ends."""

    dispatcher: Dispatcher
    #: The whole ASGI stack, request ids outermost, the dispatcher innermost.
    stack: ASGIApp
    #: What built the app ("by its first request", "by app.build()", …), for error messages.
    reason: str
    #: Where routes have a CORS policy of their own (``@cors``): the app-wide
    #: ``CORSMiddleware`` leaves those requests to the routes.
    cors_paths: PolicyPaths = field(default_factory=PolicyPaths)

    def describe_routes(self) -> list[dict[str, Any]]:
        """Return every route as a dict (methods, path, name, handler, app), in match order."""
        return describe_routes(self.dispatcher.routes)


def build_app(plan: AppPlan, lifespan: Lifespan, reason: str) -> BuiltApp:
    """Build *plan* into a dispatcher and middleware stack; refuse broken declarations."""
    settings = plan.settings
    context = BuildContext.from_settings(
        settings,
        plan.background,
        # A MIDDLEWARE class that needs the route's context (request.user) runs a hook first.
        before=[*middleware_before_hooks(_entries(plan)), *map(ensure_async, plan.before)],
        after=[ensure_async(hook) for hook in plan.after],
        static_dirs=static_source_dirs(settings),
    )
    assembly = build_routes(plan.sources, context)
    # Host routes stay first; the preflights of @cors routes go before the other routes
    # (inside a host's routes for the routes it serves).
    served = [_with_preflights(r, settings) for r in assembly.routes if isinstance(r, HostRoute)]
    hosts = [route for route, _ in served]
    others = [route for route in assembly.routes if not isinstance(route, HostRoute)]
    others, own = preflight_routes(others, settings)
    host_entries = [entry for _, policies in served for entry in policies.entries]
    cors_paths = PolicyPaths((*host_entries, *own.entries), tuple(r.host_regex for r in hosts))
    routes = [*hosts, *others]
    paths = {getattr(route, "path", None) for route in routes}
    routes += [route for route in plan.default_routes if getattr(route, "path", None) not in paths]
    static_dirs = served_static_dirs(settings, plan.debug)
    if static_dirs:
        prefix = "/" + settings.STATIC_URL.strip("/")
        routes.append(Mount(prefix, app=StaticFiles(static_dirs), name="static"))
    media = media_mount(settings, plan.debug)
    if media is not None:
        routes.append(media)
    dispatcher = Dispatcher(routes, fallback=assembly.fallback, lifespan=lifespan)
    stack = _middleware_stack(plan, dispatcher, lambda: describe_routes(dispatcher.routes))
    return BuiltApp(dispatcher, stack, reason, cors_paths)


def _with_preflights(route: HostRoute, settings: Any) -> tuple[HostRoute, PolicyPaths]:
    """Return the host *route* with the preflight routes of its ``@cors`` routes added."""
    if not route.settles or not isinstance(route.app, Dispatcher):
        return route, PolicyPaths()  # any ASGI app: its CORS is its own
    routes, paths = preflight_routes(list(route.app.routes), settings, route.host_regex)
    if not paths.entries:
        return route, paths
    served = HostRoute(
        route.host, Dispatcher(routes), name=route.name, app_label=route.app_label, settles=True
    )
    return served, paths


def _entries(plan: AppPlan) -> Sequence[Any]:
    """Return the middleware entries: ``App(middleware=...)``, or the MIDDLEWARE setting."""
    return list(plan.settings.MIDDLEWARE) if plan.middleware is None else plan.middleware


def _middleware_stack(
    plan: AppPlan, dispatcher: Dispatcher, describe: Callable[[], list[dict[str, Any]]]
) -> ASGIApp:
    """Return the ASGI stack around *dispatcher* (see the module docstring)."""
    settings = plan.settings
    entries = _entries(plan)
    prefixed = [
        (source.prefix, source.error_handlers)
        for source in plan.sources
        if source.prefix and source.error_handlers
    ]
    header_limit = int(settings.MAX_HEADER_SIZE or 0)
    stack = [
        *build_middleware(entries, settings),
        *reversed(plan.added_middleware),
    ]
    # ExceptionMiddleware innermost, answering from the dispatcher's frame (one frame less).
    dispatcher.errors = ExceptionMiddleware(
        dispatcher,
        handlers=plan.error_handlers,
        prefixed=prefixed,
        debug=plan.debug,
        describe_routes=describe,
    )
    app: ASGIApp = dispatcher
    for cls, args, kwargs in reversed(stack):
        app = cls(app, *args, **kwargs)
    # The request id, the server errors and (whatever the server) the header-size limit, in
    # one frame outside MIDDLEWARE: saves a coroutine frame and a call per request.
    errors = ServerErrorMiddleware(
        app, handlers=plan.error_handlers, debug=plan.debug, prefixed=prefixed
    )
    oversized = HeaderSizeMiddleware(app, limit=header_limit) if header_limit else None
    return RequestIdMiddleware(app, errors=errors, oversized=oversized)
