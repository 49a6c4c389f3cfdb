"""Validation, serialisation and documentation of request and response data.

``@input`` validates part of a request, ``@output`` serialises the answer, ``@expect`` and
``@webhook`` document more of a route — with pydantic models and marshmallow schemas alike,
side by side in one project. Uploaded files arrive as :class:`File` objects; their
``FileField`` types live in ``framework.io.pydantic`` and ``framework.io.marshmallow``.

Importing this package imports neither marshmallow nor, until a schema is used, pydantic.
"""

from __future__ import annotations

from framework.io.adapters import adapter_for
from framework.io.documentation import ResponseDoc, expect, webhook
from framework.io.errors import ResponseValidationError
from framework.io.files import File
from framework.io.inputs import InputSpec, input
from framework.io.locations import LOCATIONS, Location
from framework.io.outputs import OutputSpec, output
from framework.io.schemas import FieldSpec, SchemaAdapter

__all__ = [
    "LOCATIONS",
    "FieldSpec",
    "File",
    "InputSpec",
    "Location",
    "OutputSpec",
    "ResponseDoc",
    "ResponseValidationError",
    "SchemaAdapter",
    "adapter_for",
    "expect",
    "input",
    "output",
    "webhook",
]
