"""Response-header hooks: one ``send`` wrapper per request, however many middleware add headers.

``SecurityHeadersMiddleware`` and ``SessionMiddleware`` change nothing in a response but its
headers. Each wrapping ``send`` costs every request two extra calls (the response start and
its body) whether or not it adds anything. Under the App, ``RequestIdMiddleware`` (always
installed, outermost) already wraps ``send``: it puts a list of hooks in the scope and runs
them on ``http.response.start``, innermost first, as nested wrappers would. A middleware
registers its hook on the way in (sessions only once the session is read) and passes the
request on without a frame of its own. Used outside the App, where no list is in the scope,
each middleware wraps ``send`` itself (:func:`send_with_hook`).

The same wrapper records when the response starts (``PROGRESS_KEY``), which the error
middlewares would otherwise wrap ``send`` again to learn.

A hook takes the response's headers and returns the new list (never changing the one it got:
a Response object may be sent twice). ``ServerErrorMiddleware`` drops the hooks before its
500 page, which never passed through the middleware that registered them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.types import Message, Scope, Send

__all__ = [
    "HOOKS_KEY",
    "PROGRESS_KEY",
    "HeaderHook",
    "ResponseProgress",
    "add_header_hook",
    "header_hooks",
    "send_with_hook",
]

#: Where the hooks of the request live in the scope.
HOOKS_KEY = "framework.header_hooks"
#: Where the outermost wrapper says whether the response has started (the error middlewares
#: read it: after the start, an error can only cut the response short).
PROGRESS_KEY = "framework.response_progress"


class ResponseProgress:
    """Whether the response of a request has started (kept in the ASGI scope)."""

    #: Set on the instance when the response starts (a class default: no __init__ to call).
    started = False


Headers = Any  # an iterable of (name, value) byte pairs, as ASGI messages carry them
HeaderHook = Callable[[Headers], list[tuple[bytes, bytes]]]


def header_hooks(scope: Scope) -> list[HeaderHook] | None:
    """Return the request's hook list, or None when nothing outside runs hooks."""
    hooks: list[HeaderHook] | None = scope.get(HOOKS_KEY)
    return hooks


def add_header_hook(scope: Scope, hook: HeaderHook) -> bool:
    """Register *hook* for *scope*'s response start; False if nothing outside runs hooks."""
    hooks = scope.get(HOOKS_KEY)
    if hooks is None:
        return False
    hooks.append(hook)
    return True


def run_hooks(hooks: list[HeaderHook], message: Message) -> None:
    """Give the response-start *message* the headers of every hook, innermost first."""
    headers = message.get("headers", ())
    for hook in reversed(hooks):
        headers = hook(headers)
    message["headers"] = headers


def send_with_hook(send: Send, hook: HeaderHook) -> Send:
    """Return *send* wrapped to apply *hook* to the response start (no hook runner outside)."""

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = hook(message.get("headers", ()))
        await send(message)

    return wrapped
