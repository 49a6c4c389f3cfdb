"""Build a project's ``App`` from settings: the project's controllers, then every app's.

The project's own controllers module (ROOT_CONTROLLERS; by default ``<project>.controllers``
beside the settings module, when it exists) holds what applies to the whole project:
``@error_handler`` functions, ``@before_request`` and ``@after_request`` hooks, and any
routes of its own. Then, for each app in INSTALLED_APPS order, ``<app>.controllers`` (a
module or a package) is imported; its ``Controller`` subclasses, module-level ``Router``
objects, error handlers and hooks are served under the app's ``url_prefix``. An import
error is reported naming the app and the module; an error handler or hook declared in the
project or an app but registered by no controllers module is refused, naming it. In DEBUG,
``/`` shows a welcome page until a route of the project answers it.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.requests import Request
from starlette.routing import BaseRoute, Route

from framework.web.app import App
from framework.web.assembly import RouteSource
from framework.web.controllers import ModuleContents, discover
from framework.web.errors import ErrorHandlers
from framework.web.hooks import refuse_unregistered, unregistered_declarations
from framework.web.responses import HTMLResponse

__all__ = ["app_sources", "get_asgi_application", "root_controllers_module"]

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


def app_sources(registered: set[int] | None = None) -> list[RouteSource]:
    """Return one route source per installed app that has a controllers module.

    The ids of the declarations they register are added to *registered*.
    """
    from framework.apps import apps

    sources = []
    for config in apps.get_app_configs():
        module = config.import_module("controllers")
        if module is None:
            continue
        found = discover(module, config.name)
        if registered is not None:
            registered.update(id(declaration) for declaration in found.declarations)
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
                before=tuple(found.before),
                after=tuple(found.after),
            )
        )
    return sources


def root_controllers_module() -> str | None:
    """Return the module path of the project's controllers (ROOT_CONTROLLERS), or None.

    Unset, it is ``<project>.controllers`` beside the settings module, if that exists and is
    not an installed app's own controllers module.
    """
    from framework.apps import apps
    from framework.conf import settings
    from framework.module_loading import module_exists

    if settings.ROOT_CONTROLLERS:
        return str(settings.ROOT_CONTROLLERS)
    settings_module = settings.wrapped.module_name
    package = settings_module.rpartition(".")[0] if settings_module else ""
    if not package:
        return None
    candidate = f"{package}.controllers"
    app_modules = {f"{config.name}.controllers" for config in apps.get_app_configs()}
    return candidate if candidate not in app_modules and module_exists(candidate) else None


def _root_contents(name: str | None) -> ModuleContents | None:
    """Return what the project's controllers module declares (None without one)."""
    if name is None:
        return None
    from importlib import import_module

    from framework.exceptions import ImproperlyConfigured
    from framework.module_loading import module_exists

    if not module_exists(name):
        raise ImproperlyConfigured(
            f"ROOT_CONTROLLERS is {name!r}, but there is no such module; create it, or change "
            "the setting."
        )
    try:
        module = import_module(name)
    except Exception as exc:
        raise ImproperlyConfigured(
            f"The project's controllers module {name!r} failed to import: {exc!r}"
        ) from exc
    return discover(module, name.rpartition(".")[0] or name)


def _checked_packages(root: str | None) -> list[str]:
    from framework.apps import apps
    from framework.conf import settings

    packages = [config.name for config in apps.get_app_configs()]
    settings_module = settings.wrapped.module_name or ""
    project = (root or settings_module).rpartition(".")[0]
    return [*packages, project] if project else packages


def project_app(default_routes: Sequence[BaseRoute] = ()) -> App:
    """Return the project's App: its own controllers (project-wide), then every app's."""
    root = root_controllers_module()
    contents = _root_contents(root)
    registered: set[int] = set()
    sources = app_sources(registered)
    if contents is not None:
        registered.update(id(declaration) for declaration in contents.declarations)
        own = RouteSource(controllers=contents.controllers, routers=contents.routers)
        sources.insert(0, own)
    refuse_unregistered(unregistered_declarations(_checked_packages(root), registered))
    app = App(sources=sources, run_app_hooks=True, default_routes=default_routes)
    if contents is not None:
        for key, handler in contents.error_handlers:
            app.error_handlers.add(key, handler)
        for hook in contents.before:
            app.before_request(hook)
        for hook in contents.after:
            app.after_request(hook)
    return app


def get_asgi_application() -> App:
    """Set the project up and return its ``App`` (what ``<project>/asgi.py`` exposes).

    Refuses to build when a system check reports an error (a weak SECRET_KEY with DEBUG off,
    for instance), naming the first problem; broken controllers fail here too, not on the
    first request.
    """
    from framework.apps.bootstrap import setup
    from framework.checks import run_checks
    from framework.conf import settings
    from framework.exceptions import ImproperlyConfigured

    setup()
    errors = [message for message in run_checks() if message.is_serious()]
    if errors:
        raise ImproperlyConfigured(f"Refusing to start: {errors[0]}")
    # In DEBUG, "/" greets a new project until a route of its own answers it.
    welcome_page = [Route("/", welcome, name="welcome")] if settings.DEBUG else []
    app = project_app(default_routes=welcome_page)
    app.build(by="get_asgi_application()")
    return app
