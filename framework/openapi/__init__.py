"""OpenAPI 3.1 documents generated from routes, and the documentation pages, served offline.

In a project, add ``"framework.openapi"`` to INSTALLED_APPS; a standalone ``App`` includes
the pages with ``app.include(DocsController)``. ``generate_openapi(app)`` returns the
document as a dict (``manage.py openapi`` prints it).

The names below are imported on first use: the app registry imports this package to read
its ``apps.py``, and ``manage.py --help`` should not pay for the whole web stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from framework.openapi.components import SchemaRegistry
    from framework.openapi.decorators import doc
    from framework.openapi.generator import ERROR_SCHEMA, OPENAPI_VERSION, generate_openapi
    from framework.openapi.operations import OperationBuilder
    from framework.openapi.views import DocsController, document_for

__all__ = [
    "ERROR_SCHEMA",
    "OPENAPI_VERSION",
    "DocsController",
    "OperationBuilder",
    "SchemaRegistry",
    "doc",
    "document_for",
    "generate_openapi",
]

_HOMES = {
    "SchemaRegistry": "components",
    "doc": "decorators",
    "ERROR_SCHEMA": "generator",
    "OPENAPI_VERSION": "generator",
    "generate_openapi": "generator",
    "OperationBuilder": "operations",
    "DocsController": "views",
    "document_for": "views",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'framework.openapi' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"framework.openapi.{home}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
