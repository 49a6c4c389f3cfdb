"""``url_for``: the path of a named route, from anywhere (templates, handlers, tasks)."""

from __future__ import annotations

from typing import Any

from framework.web.app import current_app

__all__ = ["url_for"]


def url_for(name: str, /, **params: Any) -> str:
    """Return the path of route *name* in the current app (``url_for("PostController.index")``).

    Route names: ``"<Controller>.<method>"`` for controllers, the function name (prefixed by
    the router's namespace) for function routes, ``"static"`` with ``path=`` for static files.
    """
    return current_app().url_for(name, **params)
