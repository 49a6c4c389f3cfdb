"""``@doc``: override what the OpenAPI document says about one operation.

::

    @get("/legacy")
    @doc(summary="Old listing", tags=["Legacy"], deprecated=True)
    async def legacy(self, request): ...

Without it, the summary and description come from the docstring, the tag from the
controller (or the app), the ``operationId`` from the route name. On a ``Controller``
class it applies to every route of the class (``@doc(tags=["Legacy"])``,
``@doc(include_in_schema=False)`` to leave the whole controller out); on a WebSocket
route the build refuses it, since the document does not describe WebSockets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from framework.web.pipeline import handler_decorator

__all__ = ["doc"]

F = TypeVar("F", bound=Callable[..., Any])

DOC = handler_decorator(
    "@doc",
    kinds=("http", "sse"),
    why_not="the API document does not describe WebSocket routes",
)


def doc(
    *,
    summary: str | None = None,
    description: str | None = None,
    tags: Sequence[str] | None = None,
    deprecated: bool | None = None,
    operation_id: str | None = None,
    include_in_schema: bool | None = None,
) -> Callable[[F], F]:
    """Record documentation overrides in ``meta["openapi"]`` (only the arguments given).

    ``include_in_schema=False`` leaves the route (on a class: every route of the class) out
    of the document.
    """
    if isinstance(tags, str):
        raise TypeError(f"tags is a list of names, e.g. tags=[{tags!r}]; got the string {tags!r}.")
    values = {
        "summary": summary,
        "description": description,
        "tags": list(tags) if tags is not None else None,
        "deprecated": deprecated,
        "operation_id": operation_id,
        "include_in_schema": include_in_schema,
    }
    given = {key: value for key, value in values.items() if value is not None}

    def decorator(func: F) -> F:
        DOC.apply(func).meta.setdefault("openapi", {}).update(given)
        return func

    return decorator
