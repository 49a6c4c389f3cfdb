"""Porting traps: code written for Dyne that would run here and fail, refused where declared.

Dyne handlers take ``(req, resp)`` and set ``resp.media``/``resp.text``; here a handler takes
the request and *returns* its answer. Left as it is, such a handler would answer 500 on
its first request (nothing passes ``resp``), so the build refuses it and says what to write.
The auth backends apply the same idea to Dyne's ``error_handler(req, resp, status_code)``
and to a Digest ``get_password`` that returns HA1 hashes without ``use_ha1=True``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection
from typing import Any

from framework.exceptions import ImproperlyConfigured

__all__ = ["RESPONSE_NAMES", "check_handler_signature", "required_positionals"]

#: The names Dyne (and Falcon, Responder) code gives the response parameter.
RESPONSE_NAMES = frozenset({"resp", "res", "response"})


def required_positionals(func: Callable[..., Any]) -> list[str]:
    """Return the names of *func*'s positional parameters that have no default."""
    try:
        parameters = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return []
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [p.name for p in parameters if p.kind in kinds and p.default is p.empty]


def check_handler_signature(
    bound: Callable[..., Any], kind: str, name: str, supplied: Collection[str]
) -> None:
    """Refuse a ``(req, resp)`` handler of an HTTP route; *supplied*: the arguments it gets."""
    if kind != "http":
        return  # WebSocket handlers take (ws); send-style event streams take (request, sse)
    positionals = required_positionals(bound)
    if len(positionals) < 2:
        return
    second = positionals[1]
    if second in RESPONSE_NAMES and second not in supplied:
        first = positionals[0]
        raise ImproperlyConfigured(
            f"{name} takes ({first}, {second}) like a Dyne handler, but no response object is "
            f"passed here: the handler returns its answer. Write "
            f"'async def {getattr(bound, '__name__', 'handler')}({first})' and return the "
            "value: resp.media = {...} becomes return {...}, resp.text = '...' becomes return "
            "'...', resp.status_code = 201 becomes return value, 201."
        )
