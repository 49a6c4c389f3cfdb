"""One OpenAPI operation per route and method, from what decorators left in ``meta``.

Sources, for each handler (``endpoint_spec(handler).meta``):

* ``inputs`` (``@input``) — the request body or parameters, plus the 400/413/415/422 answers
  validation may give;
* ``output`` (``@output``) — the successful answer; ``responses`` (``@expect``) — others;
* ``security`` — a list of ``(scheme_name, scheme, scopes)`` tuples appended by auth
  decorators: each scheme goes to ``components.securitySchemes`` and each tuple becomes one
  alternative requirement ``{scheme_name: scopes}`` of the operation (plus a 401 answer);
* ``openapi`` (``@doc``) — summary, description, tags, ``deprecated``, ``operationId``;
* the docstring — first line is the summary; text after a ``---`` line the description.

Path parameters come from the route's converters (``{id:int}`` is an integer).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

from starlette.convertors import (
    FloatConvertor,
    IntegerConvertor,
    PathConvertor,
    StringConvertor,
    UUIDConvertor,
)

from framework.exceptions import ImproperlyConfigured
from framework.io import InputSpec, OutputSpec, ResponseDoc
from framework.io.locations import header_name
from framework.io.outputs import PAGE_FIELDS
from framework.openapi.components import SchemaRegistry
from framework.web.exceptions import status_phrase
from framework.web.media import parser_types
from framework.web.pipeline import EndpointSpec

__all__ = ["OperationBuilder", "parse_docstring", "path_parameter_schema"]

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_INPUT_ERRORS = {
    400: "Malformed request body",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Validation error",
}
#: One event of a Server-Sent Events stream. Before OpenAPI 3.2 (``itemSchema``), the
#: ``schema`` of ``text/event-stream`` describes each event, with the fields browsers parse.
SSE_EVENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "data": {"type": "string"},
        "event": {"type": "string"},
        "id": {"type": "string"},
        "retry": {"type": "integer", "minimum": 0},
    },
    "required": ["data"],
}


def parse_docstring(func: Any) -> tuple[str | None, str | None]:
    """Return ``(summary, description)``: the first line, and the text after a ``---`` line.

    Without ``---``, the lines after the first paragraph are the description.
    """
    text = inspect.getdoc(func)
    if not text:
        return None, None
    lines = text.strip().splitlines()
    summary = lines[0].strip() or None
    if "---" in (line.strip() for line in lines):
        index = [line.strip() for line in lines].index("---")
        description = "\n".join(lines[index + 1 :]).strip()
    else:
        description = "\n".join(lines[1:]).strip()
    return summary, description or None


def path_parameter_schema(convertor: Any) -> dict[str, Any]:
    """Return the JSON Schema of a path parameter matched by a Starlette *convertor*."""
    if isinstance(convertor, IntegerConvertor):
        return {"type": "integer", "minimum": 0}
    if isinstance(convertor, FloatConvertor):
        return {"type": "number", "minimum": 0}
    if isinstance(convertor, UUIDConvertor):
        return {"type": "string", "format": "uuid"}
    if isinstance(convertor, PathConvertor):
        return {"type": "string"}
    if isinstance(convertor, StringConvertor):
        return {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}
    return {"type": "string", "pattern": f"^(?:{convertor.regex})$"}


def _error_response(description: str, error_ref: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": error_ref}}}


class OperationBuilder:
    """Build operations; collects security schemes along the way."""

    def __init__(self, registry: SchemaRegistry) -> None:
        self.registry = registry
        #: ``components.securitySchemes`` of the document.
        self.security_schemes: dict[str, dict[str, Any]] = {}
        self.error_ref: dict[str, Any] = {}

    # -- first pass -----------------------------------------------------------------------

    def collect(self, spec: EndpointSpec | None) -> None:
        """Add the schemas *spec* uses to the registry (before ``registry.finish()``)."""
        if spec is None:
            return
        for entry in spec.meta.get("inputs", ()):
            self.registry.add(entry.adapter, "validation")
        output: OutputSpec | None = spec.meta.get("output")
        if output is not None:
            self.registry.add(output.adapter, "serialization")
        for doc in spec.meta.get("responses", {}).values():
            if doc.adapter is not None:
                self.registry.add(doc.adapter, "serialization")

    # -- second pass ----------------------------------------------------------------------

    def build(self, route: Any, method: str, spec: EndpointSpec | None, tags: list[str]) -> Any:
        """Return the operation object of *route* for *method*."""
        meta = spec.meta if spec is not None else {}
        overrides = dict(meta.get("openapi", {}))
        summary, description = parse_docstring(route.handler)
        operation: dict[str, Any] = {}
        operation["tags"] = list(overrides.get("tags") or tags)
        summary = overrides.get("summary", summary)
        description = overrides.get("description", description)
        if summary:
            operation["summary"] = summary
        if description:
            operation["description"] = description
        methods = [m for m in route.methods if m != "HEAD"]
        default_id = route.name if len(methods) == 1 else f"{route.name}.{method.lower()}"
        operation["operationId"] = overrides.get("operation_id") or default_id
        inputs: Sequence[InputSpec] = meta.get("inputs", ())
        parameters = self.parameters(route, inputs)
        if parameters:
            operation["parameters"] = parameters
        body = self.request_body(inputs)
        if body is not None:
            operation["requestBody"] = body
        security = self.security(meta.get("security", ()), route.name)
        if security:
            operation["security"] = security
        operation["responses"] = self.responses(route, meta, inputs, bool(security))
        if overrides.get("deprecated"):
            operation["deprecated"] = True
        if not operation["tags"]:
            del operation["tags"]
        return operation

    def parameters(self, route: Any, inputs: Sequence[InputSpec]) -> list[dict[str, Any]]:
        """Return the path, query, header and cookie parameters of an operation."""
        result: list[dict[str, Any]] = []
        from_schemas = [entry for entry in inputs if entry.location.parameter_in is not None]
        declared_path = {
            name
            for entry in from_schemas
            if entry.location.parameter_in == "path"
            for name in self.registry.resolve(entry.adapter, "validation").get("properties", {})
        }
        for name, convertor in getattr(route, "param_convertors", {}).items():
            if name not in declared_path:
                schema = path_parameter_schema(convertor)
                result.append({"name": name, "in": "path", "required": True, "schema": schema})
        for entry in from_schemas:
            result.extend(self._schema_parameters(entry))
        return result

    def _schema_parameters(self, entry: InputSpec) -> list[dict[str, Any]]:
        where = entry.location.parameter_in
        schema = self.registry.resolve(entry.adapter, "validation")
        required = set(schema.get("required", ()))
        parameters = []
        for name, property_schema in schema.get("properties", {}).items():
            shown = header_name(name) if where == "header" else name
            parameter: dict[str, Any] = {
                "name": shown,
                "in": where,
                "required": where == "path" or name in required,
                "schema": property_schema,
            }
            if isinstance(property_schema, dict) and property_schema.get("description"):
                parameter["description"] = property_schema["description"]
            if where == "query" and property_schema.get("type") == "array":
                parameter["style"], parameter["explode"] = "form", True
            parameters.append(parameter)
        return parameters

    def request_body(self, inputs: Sequence[InputSpec]) -> dict[str, Any] | None:
        """Return the request body of an operation (JSON, form or multipart), if any."""
        entry = next((entry for entry in inputs if entry.location.is_body), None)
        if entry is None:
            return None
        schema = self.registry.ref(entry.adapter, "validation")
        if entry.adapter.many:
            schema = {"type": "array", "items": schema}
        if entry.location.name == "json":
            media_types: Sequence[str] = ("application/json",)
        elif entry.location.name == "media":
            media_types = (*dict.fromkeys([*parser_types(), *_FORM_TYPES]),)
        elif entry.location.name == "files" or entry.adapter.has_files():
            media_types = ("multipart/form-data",)
        else:
            media_types = _FORM_TYPES
        body: dict[str, Any] = {
            "required": True,
            "content": {media_type: {"schema": schema} for media_type in media_types},
        }
        if entry.description:
            body["description"] = entry.description
        return body

    def security(self, entries: Sequence[Any], where: str) -> list[dict[str, list[str]]]:
        """Register the schemes of *entries*; return the operation's requirement objects."""
        requirements = []
        for entry in entries:
            if not (isinstance(entry, tuple) and len(entry) == 3 and isinstance(entry[0], str)):
                raise ImproperlyConfigured(
                    f"meta['security'] of {where} must hold (scheme_name, scheme, scopes) "
                    f"tuples; got {entry!r:.80}."
                )
            name, scheme, scopes = entry
            known = self.security_schemes.get(name)
            if known is not None and known != dict(scheme):
                raise ImproperlyConfigured(
                    f"Two security schemes are named {name!r} ({known!r} and {dict(scheme)!r}, "
                    f"the second on {where}); give one another name."
                )
            self.security_schemes[name] = dict(scheme)
            requirement = {name: list(scopes)}
            if requirement not in requirements:  # a route decorated twice says it once
                requirements.append(requirement)
        return requirements

    def responses(
        self, route: Any, meta: dict[str, Any], inputs: Sequence[InputSpec], secured: bool
    ) -> dict[str, Any]:
        """Return the answers of an operation, sorted by status code."""
        responses: dict[int, dict[str, Any]] = {}
        output: OutputSpec | None = meta.get("output")
        if output is not None:
            responses[output.status_code] = self._output_response(output)
        elif getattr(route, "kind", "http") == "sse":
            stream = {"text/event-stream": {"schema": SSE_EVENT_SCHEMA}}
            responses[200] = {"description": "A stream of Server-Sent Events", "content": stream}
        elif not any(200 <= status < 300 for status in meta.get("responses", {})):
            responses[200] = {"description": "Successful response"}
        for status in self._input_errors(inputs):
            responses[status] = _error_response(_INPUT_ERRORS[status], self.error_ref)
        if secured:
            responses[401] = _error_response("Authentication required", self.error_ref)
        documented: dict[int, ResponseDoc] = meta.get("responses", {})
        for status, doc in documented.items():
            responses[status] = self._documented_response(doc)
        produced = meta.get("produces")
        if produced:  # @produces: the success bodies come in each of its media types
            for status, response in responses.items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if 200 <= status < 300 and schema is not None:
                    response["content"] = {media: {"schema": schema} for media in produced}
        return {str(status): responses[status] for status in sorted(responses)}

    @staticmethod
    def _input_errors(inputs: Sequence[InputSpec]) -> list[int]:
        if not inputs:
            return []
        statuses = [422]
        names = {entry.location.name for entry in inputs}
        if names & {"json", "form", "files", "media"}:
            statuses += [400, 413, 415]
        return sorted(statuses)

    def _output_response(self, output: OutputSpec) -> dict[str, Any]:
        response: dict[str, Any] = {
            "description": output.description or status_phrase(output.status_code)
        }
        if output.status_code not in (204, 304):
            item = self.registry.ref(output.adapter, "serialization")
            if output.paginated:
                schema = page_schema(item)
            elif output.many:
                schema = {"type": "array", "items": item}
            else:
                schema = item
            response["content"] = {"application/json": {"schema": schema}}
        if output.headers:
            response["headers"] = {
                name: {"description": value, "schema": {"type": "string"}}
                if isinstance(value, str)
                else dict(value)
                for name, value in output.headers.items()
            }
        return response

    def _documented_response(self, doc: ResponseDoc) -> dict[str, Any]:
        response: dict[str, Any] = {
            "description": doc.description or status_phrase(doc.status_code)
        }
        if doc.adapter is not None:
            schema = self.registry.ref(doc.adapter, "serialization")
            if doc.adapter.many:
                schema = {"type": "array", "items": schema}
            response["content"] = {"application/json": {"schema": schema}}
        elif doc.status_code >= 400:
            response["content"] = {"application/json": {"schema": self.error_ref}}
        return response


def page_schema(item: dict[str, Any]) -> dict[str, Any]:
    """Return the schema of a paginated answer whose items follow *item*."""
    properties: dict[str, Any] = {"items": {"type": "array", "items": item}}
    properties.update({name: {"type": kind} for name, kind in PAGE_FIELDS.items()})
    return {"type": "object", "properties": properties, "required": list(properties)}
