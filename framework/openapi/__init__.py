"""OpenAPI 3.1 documents generated from routes, and the documentation pages, served offline.

In a project, add ``"framework.openapi"`` to INSTALLED_APPS; a standalone ``App`` includes
the pages with ``app.include(DocsController)``. ``generate_openapi(app)`` returns the
document as a dict (``manage.py openapi`` prints it).

The names below are imported on first use: the app registry imports this package to read
its ``apps.py``, and ``manage.py --help`` should not pay for the whole web stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from framework.module_loading import lazy_exports as _lazy_exports

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


__getattr__, __dir__ = _lazy_exports(__name__, _HOMES, __all__)
