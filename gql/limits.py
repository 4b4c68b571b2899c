"""Refuse hostile GraphQL documents before validation and execution can spend seconds on them.

Validation walks the document with every fragment spread expanded (Strawberry's depth and alias
limiters do so without memoisation), so 600 bytes of fragments that spread each other four times
expand to millions of fields and hold the event loop for seconds. :class:`QueryCostLimiter` runs
right after parsing, before any validation rule:

* the query text may be at most ``MAX_QUERY_CHARS`` characters (checked before parsing);
* the *cost* of the document, a walk over every operation that expands fragment spreads, may be
  at most ``MAX_COST``. Every field, fragment spread and inline fragment costs 1 per object it
  may be resolved for: a field with a ``first`` argument (a page) multiplies the cost of what is
  under it by ``first`` (its default when not given, clamped to the page limit). Each fragment's
  cost is computed once (memoised), and the walk stops as soon as the budget is exceeded, so the
  check costs at most one pass over the document whatever the document expands to;
* fragment cycles and nesting deeper than ``MAX_NESTING`` are refused during the same walk.

graphql-core's own bound on the quadratic work of the overlapping-fields rule is lowered to
``MAX_OVERLAP_WORK`` (its documented module attribute), so many repeats of one field are refused
in milliseconds rather than a second.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLNamedType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from graphql.validation.rules import overlapping_fields_can_be_merged
from strawberry.extensions import SchemaExtension

from ckg.gql.paging import MAX_PAGE

#: Most a document may cost (see the module docstring); a page of 100 customers with their tags,
#: community and five similar customers costs 2,301.
MAX_COST = 5000
#: Longest query text, in characters (2,000 tokens of ordinary GraphQL fit in a quarter of it).
MAX_QUERY_CHARS = 50_000
#: Most tokens a document may have (MaxTokensLimiter; the cache of portrait answers parses no more).
MAX_TOKENS = 2000
#: Deepest nesting of selections and fragment spreads the walk follows.
MAX_NESTING = 64
#: Budget of graphql-core's overlapping-fields rule (default 500,000: about a second of CPU). The
#: examples in docs/graphql.md spend at most 3, two customers sharing fragments 15.
MAX_OVERLAP_WORK = 2_000

if hasattr(overlapping_fields_can_be_merged, "MAX_COMPLEXITY_BUDGET"):
    overlapping_fields_can_be_merged.MAX_COMPLEXITY_BUDGET = MAX_OVERLAP_WORK


class QueryTooComplex(GraphQLError):
    """A document refused before validation (its message says why)."""


def too_complex(max_cost: int) -> QueryTooComplex:
    return QueryTooComplex(f"query too complex: cost over {max_cost}")


class _CostWalk:
    """One pass over a document's operations with fragment costs memoised and an early stop."""

    def __init__(self, document: DocumentNode, schema: GraphQLSchema | None, variables: Mapping[str, Any],
                 max_cost: int, max_nesting: int) -> None:
        self.schema = schema
        self.max_cost = max_cost
        self.max_nesting = max_nesting
        self.variables = dict(variables)
        self.fragments: dict[str, FragmentDefinitionNode] = {}
        self.operations: list[OperationDefinitionNode] = []
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                self.fragments.setdefault(definition.name.value, definition)
            elif isinstance(definition, OperationDefinitionNode):
                self.operations.append(definition)
                for var in definition.variable_definitions or ():
                    if isinstance(var.default_value, IntValueNode):
                        self.variables.setdefault(var.variable.name.value, int(var.default_value.value))
        self.memo: dict[str, int] = {}
        self.in_progress: set[str] = set()

    def total(self) -> int:
        spent = 0
        for operation in self.operations:
            spent += self.selections(operation.selection_set, self.root_type(operation.operation),
                                     self.max_cost - spent, 0)
        return spent

    def root_type(self, operation: OperationType) -> GraphQLNamedType | None:
        if self.schema is None:
            return None
        return {OperationType.QUERY: self.schema.query_type, OperationType.MUTATION: self.schema.mutation_type,
                OperationType.SUBSCRIPTION: self.schema.subscription_type}[operation]

    def type_named(self, name: str) -> GraphQLNamedType | None:
        return None if self.schema is None else self.schema.get_type(name)

    def selections(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None,
                   limit: int, depth: int) -> int:
        """Cost of ``selection_set`` for one object of type ``parent``; raises once over ``limit``."""
        if selection_set is None:
            return 0
        if depth > self.max_nesting:
            raise QueryTooComplex(f"query too complex: nested over {self.max_nesting} levels")
        cost = 0
        for node in selection_set.selections:
            cost += 1
            if isinstance(node, FieldNode):
                field = self.field(parent, node.name.value)
                if node.selection_set is not None:
                    times = self.multiplier(node, field)
                    child = None if field is None else get_named_type(field.type)
                    cost += times * self.selections(node.selection_set, child, (limit - cost) // times, depth + 1)
            elif isinstance(node, InlineFragmentNode):
                child_type = self.type_named(node.type_condition.name.value) if node.type_condition else parent
                cost += self.selections(node.selection_set, child_type, limit - cost, depth + 1)
            elif isinstance(node, FragmentSpreadNode):
                cost += self.fragment(node.name.value, limit - cost, depth + 1)
            if cost > limit:
                raise too_complex(self.max_cost)
        return cost

    def fragment(self, name: str, limit: int, depth: int) -> int:
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None:
            return 0  # validation reports the unknown fragment
        if name in self.in_progress:
            raise QueryTooComplex(f"Cannot spread fragment '{name}' within itself.")
        self.in_progress.add(name)
        cost = self.selections(definition.selection_set, self.type_named(definition.type_condition.name.value),
                               limit, depth)
        self.in_progress.discard(name)
        self.memo[name] = cost
        return cost

    @staticmethod
    def field(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
        fields = getattr(parent, "fields", None)  # object and interface types have fields
        found = fields.get(name) if isinstance(fields, dict) else None
        return found if isinstance(found, GraphQLField) else None

    def multiplier(self, node: FieldNode, field: GraphQLField | None) -> int:
        """How many objects the field's selection may be resolved for: its ``first``, else 1."""
        value: Any = None
        for argument in node.arguments or ():
            if argument.name.value == "first":
                if isinstance(argument.value, IntValueNode):
                    value = int(argument.value.value)
                elif isinstance(argument.value, VariableNode):
                    value = self.variables.get(argument.value.name.value)
                break
        else:
            if field is not None and "first" in field.args:
                value = field.args["first"].default_value
        if not isinstance(value, int) or isinstance(value, bool):
            return 1
        return max(1, min(value, MAX_PAGE))


def document_cost(document: DocumentNode, max_cost: int = MAX_COST, *, schema: GraphQLSchema | None = None,
                  variables: Mapping[str, Any] | None = None, max_nesting: int = MAX_NESTING) -> int:
    """The cost of every operation in ``document``; raises :class:`QueryTooComplex` once over ``max_cost``."""
    return _CostWalk(document, schema, variables or {}, max_cost, max_nesting).total()


class QueryCostLimiter(SchemaExtension):
    """Refuse long query texts before parsing and costly documents before validation."""

    def __init__(self, max_cost: int = MAX_COST, max_query_chars: int = MAX_QUERY_CHARS,
                 max_nesting: int = MAX_NESTING) -> None:
        self.max_cost = max_cost
        self.max_query_chars = max_query_chars
        self.max_nesting = max_nesting

    def on_parse(self) -> Iterator[None]:
        query = self.execution_context.query
        if query is not None and len(query) > self.max_query_chars:
            raise QueryTooComplex(f"query too long: over {self.max_query_chars} characters")
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            variables = context.variables if isinstance(context.variables, dict) else {}
            try:
                document_cost(document, self.max_cost, schema=context.schema._schema, variables=variables,
                              max_nesting=self.max_nesting)
            except QueryTooComplex as refused:
                # Validation (and so execution) is skipped when errors are already there.
                context.pre_execution_errors = [refused]
        yield
