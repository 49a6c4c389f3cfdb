"""Run operations on a Strawberry, Graphene or plain graphql-core schema, the same way.

An engine executes one operation and returns the GraphQL response as a dict. Query errors
(syntax, validation, a limit, a resolver's error) are GraphQL ``errors`` in that dict;
:class:`OperationRefused` is for what the transport must answer itself (an operation type
the HTTP method does not allow, no query at all), which the endpoint turns into the
framework's error shape.

An unexpected exception in a resolver is logged; its message reaches the client only in
DEBUG (otherwise "Internal server error."), while ``GraphQLError`` and ``HTTPException``
messages are meant for clients and always pass.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from inspect import isawaitable
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    parse,
)

from framework.web.exceptions import HTTPException

__all__ = [
    "CoreEngine",
    "Engine",
    "Operation",
    "OperationRefused",
    "StrawberryEngine",
    "error_code",
    "mask_errors",
]

logger = logging.getLogger("framework.graphql")
_OURS = "__framework_limits__"

_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    429: "TOO_MANY_REQUESTS",
}


def error_code(status_code: int) -> str:
    """Return the ``extensions.code`` for an HTTP status (``401`` → ``UNAUTHENTICATED``)."""
    return _CODES.get(status_code, "INTERNAL_SERVER_ERROR" if status_code >= 500 else "ERROR")


@dataclass(frozen=True)
class Operation:
    """One GraphQL request: the document, its variables, which operation, extensions."""

    query: str | None
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    extensions: dict[str, Any] | None = None


class OperationRefused(Exception):
    """The transport refuses the operation (HTTP status and message; an ``Allow`` maybe)."""

    def __init__(self, status_code: int, detail: str, allow: str = "") -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail
        self.allow = allow


def mask_errors(errors: Iterable[GraphQLError] | None, debug: bool) -> None:
    """Give HTTP errors their code; hide unexpected exceptions' messages unless *debug*."""
    for error in errors or ():
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            continue
        if isinstance(original, HTTPException):
            error.message = str(original.detail)
            error.extensions = {
                **(error.extensions or {}),
                "code": error_code(original.status_code),
            }
            continue
        logger.error("GraphQL resolver error at %s", error.path, exc_info=original)
        if not debug:
            error.message = "Internal server error."
            error.extensions = {"code": "INTERNAL_SERVER_ERROR"}


def _refuse_type(kind: str, allowed: frozenset[str]) -> OperationRefused:
    if kind == "subscription":
        return OperationRefused(400, "Subscriptions run over a WebSocket at this URL.")
    return OperationRefused(
        405,
        f"A {kind} needs POST; GET runs queries only.",
        allow="POST" if "query" in allowed else "",
    )


def _refuse_unnamed(names: tuple[str, ...]) -> OperationRefused:
    shown = ", ".join(repr(name) for name in names if name)
    return OperationRefused(
        400,
        "Must provide operation name if query contains multiple operations"
        + (f" (operationName: one of {shown})." if shown else "."),
    )


def _operation_names(document: DocumentNode) -> tuple[str, ...]:
    return tuple(
        definition.name.value if definition.name else ""
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    )


@lru_cache(maxsize=256)
def _operation_names_of(query: str) -> tuple[str, ...]:
    """Return the names of *query*'s operations (none when it does not parse: reported later)."""
    try:
        return _operation_names(parse(query))
    except GraphQLError:
        return ()


class Engine:
    """What the endpoint needs of a schema: execute, print, and the graphql-core schema."""

    #: ``"strawberry"``, ``"graphene"`` or ``"graphql-core"``.
    kind = ""
    #: The graphql-core schema underneath (resolvers are guarded on it).
    graphql_schema: GraphQLSchema
    #: The Strawberry schema, when there is one (subscriptions run on it).
    strawberry_schema: Any = None

    async def execute(
        self, operation: Operation, context: Any, allowed: frozenset[str]
    ) -> dict[str, Any]:
        """Run *operation* and return the response (``data``, ``errors``)."""
        raise NotImplementedError

    def sdl(self) -> str:
        """Return the schema in the schema definition language."""
        from graphql import print_schema

        return print_schema(self.graphql_schema)


class StrawberryEngine(Engine):
    """Operations on a Strawberry schema, through Strawberry's own execution."""

    kind = "strawberry"

    def __init__(self, schema: Any, rules: list[type[ASTValidationRule]], debug: bool) -> None:
        from strawberry.extensions import AddValidationRules

        def process_errors(errors: list[GraphQLError], execution_context: Any = None) -> None:
            mask_errors(errors, debug)  # instead of logging every client error with a traceback

        # Strawberry's hook for errors, on every path (HTTP, WebSocket, subscriptions).
        schema.process_errors = process_errors

        def limits() -> Any:
            return AddValidationRules(rules)

        setattr(limits, _OURS, True)
        # Built again (other settings), the schema keeps only the newest limits.
        others = [
            extension for extension in schema.extensions if not getattr(extension, _OURS, False)
        ]
        schema.extensions = (*others, limits) if rules else tuple(others)
        self.strawberry_schema = schema
        self.graphql_schema = schema._schema

    def sdl(self) -> str:
        """Return the schema as Strawberry prints it (its directives included)."""
        return str(self.strawberry_schema.as_str())

    async def execute(
        self, operation: Operation, context: Any, allowed: frozenset[str]
    ) -> dict[str, Any]:
        """Run *operation* with ``schema.execute`` (Strawberry's extensions apply)."""
        from strawberry.exceptions import MissingQueryError
        from strawberry.http import process_result
        from strawberry.schema.exceptions import (
            CannotGetOperationTypeError,
            InvalidOperationTypeError,
        )
        from strawberry.types.graphql import OperationType

        if operation.query and operation.operation_name is None:
            # Strawberry would run the first one; the spec asks which.
            names = _operation_names_of(operation.query)
            if len(names) > 1:
                raise _refuse_unnamed(names)
        try:
            result = await self.strawberry_schema.execute(
                operation.query,
                variable_values=operation.variables,
                context_value=context,
                operation_name=operation.operation_name,
                allowed_operation_types={OperationType(kind) for kind in allowed},
                operation_extensions=operation.extensions,
            )
        except MissingQueryError as exc:
            raise OperationRefused(400, "The request has no GraphQL query.") from exc
        except CannotGetOperationTypeError as exc:
            raise OperationRefused(400, exc.as_http_error_reason()) from exc
        except InvalidOperationTypeError as exc:
            raise _refuse_type(exc.operation_type.value, allowed) from exc
        return dict(process_result(result))


class CoreEngine(Engine):
    """Operations on a graphql-core schema (a Graphene schema's, or one built by hand)."""

    def __init__(
        self, schema: GraphQLSchema, rules: list[type[ASTValidationRule]], kind: str, debug: bool
    ) -> None:
        self.graphql_schema = schema
        self.rules = rules
        self.kind = kind
        self.debug = debug

    async def execute(
        self, operation: Operation, context: Any, allowed: frozenset[str]
    ) -> dict[str, Any]:
        """Parse, validate (with the limits), check the operation type, execute."""
        from graphql import execute, get_operation_ast, specified_rules, validate

        if not operation.query:
            raise OperationRefused(400, "The request has no GraphQL query.")
        try:
            document = parse(operation.query)
        except GraphQLError as error:
            return {"data": None, "errors": [error.formatted]}
        errors = validate(self.graphql_schema, document, [*specified_rules, *self.rules])
        if errors:
            return {"data": None, "errors": [error.formatted for error in errors]}
        found = get_operation_ast(document, operation.operation_name)
        if found is None:
            name = operation.operation_name
            if name is None:
                raise _refuse_unnamed(_operation_names(document))
            raise OperationRefused(400, f"No operation named {name!r}.")
        if found.operation.value not in allowed:
            raise _refuse_type(found.operation.value, allowed)
        result = execute(
            self.graphql_schema,
            document,
            context_value=context,
            variable_values=operation.variables,
            operation_name=operation.operation_name,
        )
        if isawaitable(result):
            result = await result
        mask_errors(result.errors, self.debug)
        response: dict[str, Any] = {"data": result.data}
        if result.errors:
            response["errors"] = [error.formatted for error in result.errors]
        return response
