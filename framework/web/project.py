"""Build a project's routes from its installed apps."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import BaseRoute, Route

__all__ = ["build_routes"]

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


def build_routes() -> list[BaseRoute]:
    """Return the routes of every installed app, plus the welcome page in DEBUG."""
    from framework.conf import settings

    routes: list[BaseRoute] = []
    if settings.DEBUG:
        routes.append(Route("/", welcome, name="welcome"))
    return routes
