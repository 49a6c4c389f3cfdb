"""``@expect`` and ``@webhook``: what a handler's documentation says beyond its input/output.

::

    @get("/{id:int}")
    @expect({
        401: "Missing or invalid token",                  # a description
        403: Forbidden,                                    # a schema (pydantic or marshmallow)
        404: (NotFound, "No item has this id"),            # both
    })
    async def show(self, request, id): ...

    @post("/hooks/payment")
    @webhook(name="payment")                               # or plain @webhook
    async def payment(self, request): ...

Both only record metadata (``meta["responses"]``, ``meta["webhook"]``) for the OpenAPI
document; they add no pipeline step, so they cost nothing per request. ``@expect`` may
decorate a whole ``Controller`` class (every route documents the answers); neither applies
to a WebSocket route, which the document does not describe (the build refuses it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from framework.exceptions import ImproperlyConfigured
from framework.io.adapters import adapter_for
from framework.io.schemas import SchemaAdapter
from framework.web.pipeline import handler_decorator

__all__ = ["ResponseDoc", "expect", "webhook"]

F = TypeVar("F", bound=Callable[..., Any])

EXPECT = handler_decorator(
    "@expect",
    kinds=("http", "sse"),
    why_not="the API document describes HTTP answers, and a WebSocket route is not in it",
)
WEBHOOK = handler_decorator(
    "@webhook",
    kinds=("http",),
    on_class=False,
    why_not="a webhook is one HTTP operation in the API document",
)


@dataclass(frozen=True)
class ResponseDoc:
    """One documented answer: its status, description and body schema (if any)."""

    status_code: int
    description: str | None = None
    adapter: SchemaAdapter | None = None


def _parse(status: Any, value: Any) -> ResponseDoc:
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise ImproperlyConfigured(f"@expect keys are HTTP status codes (100-599); got {status!r}.")
    if isinstance(value, str):
        return ResponseDoc(status, value)
    if isinstance(value, tuple):
        if len(value) != 2 or not isinstance(value[1], str):
            raise ImproperlyConfigured(
                f"@expect({{{status}: ...}}) takes a description, a schema or "
                f"(schema, description); got {value!r:.80}."
            )
        return ResponseDoc(status, value[1], adapter_for(value[0]))
    return ResponseDoc(status, None, adapter_for(value))


def expect(responses: Mapping[int, Any]) -> Callable[[F], F]:
    """Document more answers of a handler: ``{status: description | schema | (schema, text)}``."""
    if not isinstance(responses, Mapping) or not responses:
        raise ImproperlyConfigured(
            "@expect takes a dict of answers, e.g. @expect({404: 'No such item'}); "
            f"got {responses!r:.80}."
        )
    docs = [_parse(status, value) for status, value in responses.items()]

    def decorator(func: F) -> F:
        spec = EXPECT.apply(func)
        documented: dict[int, ResponseDoc] = spec.meta.setdefault("responses", {})
        for doc in docs:
            documented[doc.status_code] = doc
        return func

    return decorator


@overload
def webhook(func: F, /) -> F: ...
@overload
def webhook(func: None = None, /, *, name: str | None = None) -> Callable[[F], F]: ...
def webhook(func: Any = None, /, *, name: str | None = None) -> Any:
    """Mark a route as a webhook: it is documented under ``webhooks`` instead of ``paths``.

    ``@webhook`` names it after the function; ``@webhook(name="payment")`` chooses the name.
    """
    if isinstance(func, str):
        func, name = None, func
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise ImproperlyConfigured(f"@webhook(name=...) needs a non-empty string; got {name!r}.")

    def mark(target: F) -> F:
        WEBHOOK.apply(target).meta["webhook"] = name or target.__name__
        return target

    return mark(func) if func is not None else mark
