"""OpenAPI 3.1 documents generated from routes, and the documentation pages, served offline.

In a project, add ``"framework.openapi"`` to INSTALLED_APPS; a standalone ``App`` includes
the pages with ``app.include(DocsController)``. ``generate_openapi(app)`` returns the
document as a dict (``manage.py openapi`` prints it).
"""

from __future__ import annotations

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
