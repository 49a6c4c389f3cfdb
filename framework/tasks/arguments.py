"""Check a job's arguments at enqueue: they fit the signature and survive JSON unchanged.

Jobs are stored as JSON (a database row, or a copy in memory that behaves the same), so an
argument that JSON cannot carry as it is — a model instance, a datetime, a tuple, ``NaN`` —
is refused when the job is enqueued, naming the argument and what to pass instead, rather
than failing later in a worker or arriving changed.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

from framework.tasks.exceptions import TaskArgumentsError

__all__ = ["check_arguments", "check_json"]

_HINT = "pass JSON values (str, int, float, bool, None, list, dict with str keys), e.g. an id"


def check_arguments(
    name: str, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[list[Any], dict[str, Any]]:
    """Return *args* and *kwargs* as JSON-ready copies; refuse ones *func* cannot take."""
    try:
        inspect.signature(func).bind(*args, **kwargs)
    except TypeError as exc:
        raise TaskArgumentsError(
            f"Task {name!r} cannot be called with these arguments: {exc}."
        ) from None
    for index, value in enumerate(args):
        check_json(name, f"positional argument {index}", value)
    for key, value in kwargs.items():
        check_json(name, f"argument {key!r}", value)
    return list(args), dict(kwargs)


def check_json(name: str, where: str, value: Any) -> None:
    """Raise :class:`TaskArgumentsError` unless *value* round-trips through JSON unchanged."""
    problem = _problem(value)
    if problem is not None:
        raise TaskArgumentsError(
            f"Task {name!r}: {where} {problem}, which JSON cannot carry; {_HINT}."
        )


def _problem(value: Any) -> str | None:
    if value is None or isinstance(value, (bool, int, str)):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"is {value!r}"
    if isinstance(value, list):
        return next((p for p in map(_problem, value) if p is not None), None)
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"has a {type(key).__name__} key {key!r} (JSON keys are strings)"
            problem = _problem(item)
            if problem is not None:
                return problem
        return None
    kind = type(value)
    return f"is a {kind.__module__}.{kind.__qualname__}".replace(" builtins.", " ")
