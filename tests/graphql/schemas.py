"""Schemas named by GRAPHQL_SCHEMA in the tests: Strawberry, graphql-core, and not a schema."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLObjectType, GraphQLSchema, GraphQLString

from framework.auth import TokenAuth, authenticate

tokens = TokenAuth()


@tokens.verify_token
def verify_token(token: str) -> Any:
    return {"name": "core"} if token == "core-token" else None


@strawberry.type
class Query:
    @strawberry.field
    def explicit(self) -> str:
        return "strawberry"


strawberry_schema = strawberry.Schema(Query)


@authenticate(tokens)
def resolve_private(root: Any, info: Any) -> str:
    return f"for {info.context.user['name']}"


def resolve_deep(root: Any, info: Any) -> dict[str, Any]:
    return {}


Deep: GraphQLObjectType = GraphQLObjectType(
    "Deep",
    lambda: {
        "deep": GraphQLField(Deep, resolve=resolve_deep),
        "leaf": GraphQLField(GraphQLString, resolve=lambda root, info: "leaf"),
    },
)

core_schema = GraphQLSchema(
    GraphQLObjectType(
        "Query",
        {
            "hello": GraphQLField(GraphQLString, resolve=lambda root, info: "core"),
            "private": GraphQLField(GraphQLString, resolve=resolve_private),
            "deep": GraphQLField(Deep, resolve=resolve_deep),
        },
    )
)

not_a_schema = {"query": "Query"}
