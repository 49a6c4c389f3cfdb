"""Validation rules that refuse expensive queries before any resolver runs.

Every rule here is a plain graphql-core ``ValidationRule``, so one implementation serves a
Strawberry schema (added through its ``AddValidationRules`` extension) and a Graphene or
graphql-core schema (passed to ``graphql.validate``). A refused query is answered with
GraphQL ``errors`` and no ``data``: validation happens before execution, so no resolver runs.

The measures follow fragments (each spread counts its fragment again) with one computation
per fragment, so a "fragment bomb" costs linear time to measure however large it would be
to execute. Introspection fields (``__schema``, ``__type``) do not count toward the depth:
GraphiQL's own schema query is deeper than any sensible limit, and GRAPHQL_INTROSPECTION
decides whether it is answered at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from graphql.validation import NoSchemaIntrospectionCustomRule

__all__ = ["Limits", "Measure", "QueryLimitsRule", "limit_rules", "measure_operation"]


@dataclass(frozen=True)
class Limits:
    """The query limits in force: 0 turns a limit off."""

    max_depth: int = 10
    max_aliases: int = 30
    max_cost: int = 1000

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        """Return the limits GRAPHQL_MAX_DEPTH, GRAPHQL_MAX_ALIASES and GRAPHQL_MAX_COST set."""
        return cls(
            int(settings.GRAPHQL_MAX_DEPTH),
            int(settings.GRAPHQL_MAX_ALIASES),
            int(settings.GRAPHQL_MAX_COST),
        )


@dataclass(frozen=True)
class Measure:
    """How deep, how many aliases and how many fields a selection set asks for."""

    depth: int = 0
    aliases: int = 0
    cost: int = 0


class _Measurer:
    """Measure selection sets, computing each fragment once (cycles count as empty)."""

    def __init__(self, fragments: dict[str, Any]) -> None:
        self.fragments = fragments
        self.done: dict[str, Measure] = {}
        self.visiting: set[str] = set()

    def selection_set(self, node: SelectionSetNode | None) -> Measure:
        depth = aliases = cost = 0
        for selection in node.selections if node is not None else ():
            if isinstance(selection, FieldNode):
                inner = self.selection_set(selection.selection_set)
                own_depth = 0 if selection.name.value.startswith("__") else inner.depth + 1
                depth = max(depth, own_depth)
                aliases += inner.aliases + (selection.alias is not None)
                cost += inner.cost + 1
                continue
            if isinstance(selection, FragmentSpreadNode):
                inner = self.fragment(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                inner = self.selection_set(selection.selection_set)
            else:  # pragma: no cover - graphql-core has no other selection
                continue
            depth = max(depth, inner.depth)
            aliases += inner.aliases
            cost += inner.cost
        return Measure(depth, aliases, cost)

    def fragment(self, name: str) -> Measure:
        if name in self.done:
            return self.done[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.visiting:
            return Measure()  # unknown or cyclic: graphql-core's own rules report those
        self.visiting.add(name)
        measure = self.selection_set(definition.selection_set)
        self.visiting.discard(name)
        self.done[name] = measure
        return measure


def measure_operation(operation: OperationDefinitionNode, fragments: dict[str, Any]) -> Measure:
    """Return the measure of *operation*, given the document's fragments by name."""
    return _Measurer(fragments).selection_set(operation.selection_set)


class QueryLimitsRule(ValidationRule):
    """Refuse an operation deeper, with more aliases, or costlier than :attr:`limits`."""

    limits = Limits()

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        """Measure the operation and report each limit it passes."""
        document = self.context.document
        fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        measure = measure_operation(node, fragments)
        name = f"Operation {node.name.value!r}" if node.name else "The operation"
        checks = (
            (self.limits.max_depth, measure.depth, "is nested {} fields deep", "GRAPHQL_MAX_DEPTH"),
            (self.limits.max_aliases, measure.aliases, "uses {} aliases", "GRAPHQL_MAX_ALIASES"),
            (self.limits.max_cost, measure.cost, "selects {} fields", "GRAPHQL_MAX_COST"),
        )
        for limit, value, what, setting in checks:
            if limit and value > limit:
                message = f"{name} {what.format(value)}; the limit is {limit} ({setting})."
                self.report_error(
                    GraphQLError(message, node, extensions={"code": "QUERY_TOO_COMPLEX"})
                )


def limit_rules(limits: Limits, introspection: bool) -> list[type[ASTValidationRule]]:
    """Return the rules enforcing *limits*, and refusing introspection unless allowed."""
    rules: list[type[ASTValidationRule]] = []
    if limits.max_depth or limits.max_aliases or limits.max_cost:
        rules.append(type("QueryLimitsRule", (QueryLimitsRule,), {"limits": limits}))
    if not introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return rules
