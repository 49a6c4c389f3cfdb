"""Build a project's ``App`` from settings: every installed app's controllers, in order.

For each app in INSTALLED_APPS order, ``<app>.controllers`` (a module or a package) is
imported; its ``Controller`` subclasses, module-level ``Router`` objects and
``@error_handler`` functions are served under the app's ``url_prefix``. An import error is
reported naming the app and the module. In DEBUG, ``/`` shows a welcome page until a route
of the project answers it.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Route

from framework.web.app import App
from framework.web.assembly import RouteSource
from framework.web.controllers import discover
from framework.web.errors import ErrorHandlers
from framework.web.responses import HTMLResponse

__all__ = ["app_sources", "get_asgi_application"]

WELCOME_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>It works</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem}
code{background:#f3f3f3;padding:.1rem .3rem}</style></head>
<body><h1>The project is running.</h1>
<p>You see this page because <code>DEBUG</code> is on and no route answers <code>/</code>.</p>
<p>Next: <code>python manage.py startapp blog</code>, then add a controller.</p></body></html>
"""


async def welcome(request: Request) -> HTMLResponse:
    """Greet a new project's first visitor (only while DEBUG is on and ``/`` is free)."""
    return HTMLResponse(WELCOME_PAGE)


def app_sources() -> list[RouteSource]:
    """Return one route source per installed app that has a controllers module."""
    from framework.apps import apps

    sources = []
    for config in apps.get_app_configs():
        module = config.import_module("controllers")
        if module is None:
            continue
        found = discover(module, config.name)
        handlers = ErrorHandlers()
        for key, handler in found.error_handlers:
            handlers.add(key, handler)
        sources.append(
            RouteSource(
                prefix=config.url_prefix or "",
                app_label=config.label,
                controllers=found.controllers,
                routers=found.routers,
                error_handlers=handlers or None,
            )
        )
    return sources


def get_asgi_application() -> App:
    """Set the project up and return its ``App`` (what ``<project>/asgi.py`` exposes).

    Refuses to build when a system check reports an error (a weak SECRET_KEY with DEBUG off,
    for instance), naming the first problem; broken controllers fail here too, not on the
    first request.
    """
    from framework.apps.bootstrap import setup
    from framework.checks import run_checks
    from framework.exceptions import ImproperlyConfigured

    setup()
    errors = [message for message in run_checks() if message.is_serious()]
    if errors:
        raise ImproperlyConfigured(f"Refusing to start: {errors[0]}")
    app = App(sources=app_sources(), run_app_hooks=True)
    app.build()
    if app.debug and not any(route.get("path") == "/" for route in app.describe_routes()):
        app.add_asgi_route(Route("/", welcome, name="welcome"))
    return app
