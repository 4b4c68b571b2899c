"""The GraphQL schema: queries, mutations and the cross-cutting extensions (limits, masking)."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncGenerator, Iterator
from typing import Any

import strawberry
from graphql import FieldNode, GraphQLError, OperationDefinitionNode
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.types.graphql import OperationType

from ckg.gql import metrics
from ckg.gql import resolvers as r
from ckg.gql import subscriptions as s
from ckg.gql import types as t
from ckg.gql.document_cache import Documents, document_cache
from ckg.gql.limits import MAX_TOKENS
from ckg.gql.permissions import CanChangeData, IsAdmin
from ckg.graph.errors import CkgError, DatabaseUnavailable, QueryFailed

log = logging.getLogger("ckg.api")
MAX_DEPTH = 10
MAX_ALIASES = 30


@strawberry.type
class Query:
    server: t.ServerStatus = strawberry.field(resolver=r.server,
                                              description="Versions of the Neo4j server behind this API.")
    customer: t.Customer | None = strawberry.field(resolver=r.customer)
    customers: t.CustomerConnection | None = strawberry.field(resolver=r.customers_,
                                                       description="Customers with filters (Relay connection).")
    search_customers: list[t.Customer] | None = strawberry.field(
        resolver=r.search_customers,
        description="Find customers by id (every role), or by e-mail or part of the name (marketer or admin).")
    enterprise: t.Enterprise | None = strawberry.field(resolver=r.enterprise)
    enterprises: t.EnterpriseConnection | None = strawberry.field(resolver=r.enterprises_,
                                                           description="Enterprises by purchasing potential.")
    portrait: t.Portrait | None = strawberry.field(resolver=r.portrait,
                                                   description="A customer's tags grouped by dimension.")
    tag_history: t.TagHistory | None = strawberry.field(
        resolver=r.tag_history, description="Every version of a customer's tags (or one tag), newest first.")
    tag_catalog: t.TagCatalog = strawberry.field(resolver=r.tag_catalog)
    community: t.CommunityDetail | None = strawberry.field(resolver=r.community)
    recommendations: list[t.Recommendation] = strawberry.field(resolver=r.recommendations)
    explain_tag: t.ExplainResult = strawberry.field(resolver=r.explain_tag)
    channel_quality: list[t.ChannelQuality] = strawberry.field(resolver=r.channel_quality,
                                                               description="Customer quality per acquisition channel.")
    warehouse_demand: list[t.DemandRow] = strawberry.field(
        resolver=r.warehouse_demand, description="Units by buyer country and category, for warehouse planning.")
    referral_fission: t.ReferralFission = strawberry.field(
        resolver=r.referral_fission, description="Referral cascades by depth and size; the largest as trees.")
    data_quality: t.DataQuality = strawberry.field(
        resolver=r.data_quality, description="Data-quality checks with thresholds and statuses (counts and shares "
                                             "only; sensitive tags never count).")
    segment: t.Segment | None = strawberry.field(resolver=r.segment,
                                                 description="A segment by name (a sensitive one: admins only).")
    job: t.Job | None = strawberry.field(resolver=r.job, permission_classes=[CanChangeData],
                                         description="A job started by a mutation: state, progress, result.")


@strawberry.type
class Mutation:
    record_events: t.RecordEventsResult = strawberry.mutation(
        resolver=r.record_events, permission_classes=[CanChangeData], graphql_type=t.RecordEventsResult,
        description="Store behaviour events and refresh the affected portraits.")
    refresh_tags: t.RefreshTagsResult = strawberry.mutation(
        resolver=r.refresh_tags, permission_classes=[IsAdmin],
        description="Re-derive tags: the customers listed now (an empty list does nothing), or everyone as a job.")
    define_segment: t.DefineSegmentResult = strawberry.mutation(
        resolver=r.define_segment, permission_classes=[CanChangeData],
        description="Check a segment rule and compute its members as a job (customers allowing marketing).")
    record_consent: t.RecordConsentResult = strawberry.mutation(
        resolver=r.record_consent, permission_classes=[CanChangeData],
        description="Record a consent decision; it applies at once and the portrait is re-derived.")
    erase_customer: t.EraseResult = strawberry.mutation(
        resolver=r.erase_customer, permission_classes=[IsAdmin],
        description="Right to erasure: the customer, all that is theirs alone, their traces in others' tags; "
                    "later loads skip them; audited by keyed hash.")
    export_customer: t.ExportCustomerResult = strawberry.mutation(
        resolver=r.export_customer, permission_classes=[IsAdmin],
        description="Right of access: everything held about the customer as one JSON document; audited.")


@strawberry.type
class Subscription:
    @strawberry.subscription(description="A customer's portrait as it changes (recordEvents, refreshes, consents), "
                                         "over graphql-transport-ws; roles apply as to queries.")
    async def portrait_changed(self, info: strawberry.Info,
                               customer_id: strawberry.ID) -> AsyncGenerator[t.PortraitChange, None]:
        async for change in s.portrait_changed(info, customer_id):
            yield change


def operation_label(execution_context: Any) -> str:
    """``query:portrait``: the operation's type and first root field, if the schema has it (so labels
    are bounded by the schema, whatever clients send)."""
    document = execution_context.graphql_document
    if document is None:
        return "invalid"
    schema = execution_context.schema._schema
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            kind = definition.operation.value
            root = schema.get_root_type(definition.operation)
            first = next((f for f in definition.selection_set.selections if isinstance(f, FieldNode)), None)
            if root is None or first is None or (first.name.value not in root.fields
                                                 and first.name.value != "__typename"):
                return f"{kind}:invalid"
            return f"{kind}:{first.name.value}"
    return "invalid"


class Measure(SchemaExtension):
    """Count every operation by outcome and time it, for /metrics."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        label = operation_label(context)
        metrics.LATENCY.labels(label).observe(time.perf_counter() - started)
        errors = getattr(context.result, "errors", None) or context.pre_execution_errors or []
        outcome = "ok"
        if any(isinstance(e.original_error, DatabaseUnavailable) for e in errors):
            outcome = "unavailable"
        elif errors:
            outcome = "error"
        metrics.REQUESTS.labels(label, outcome).inc()


class LogUnexpected(SchemaExtension):
    """Log unexpected errors with their traceback before masking hides them from the client."""

    def on_operation(self) -> Any:
        yield
        result = self.execution_context.result
        for err in getattr(result, "errors", None) or []:
            if is_unexpected(err):
                log.error("unexpected error in %s", err.path, exc_info=err.original_error)


def is_unexpected(error: GraphQLError) -> bool:
    """Expected: validation errors (no original), ckg errors, and GraphQL errors such as denied permissions.

    A query Neo4j refused is unexpected: its text names internals, so production masks it too.
    """
    original = error.original_error
    if isinstance(original, QueryFailed):
        return True
    return original is not None and not isinstance(original, CkgError | GraphQLError)


class CkgSchema(strawberry.Schema):
    """Strawberry's schema, logging errors by kind instead of every one with a traceback: unexpected
    errors are logged with theirs (by :class:`LogUnexpected` for queries and mutations, here for
    subscriptions, whose events pass no operation hook); an unreachable Neo4j is one warning
    line per request (an outage would otherwise fill the log with identical tracebacks); the
    client's own mistakes (validation, permissions, expected ckg errors) are answers, not logs."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        # operation_type raises when there is no document (the request failed before parsing)
        subscription = getattr(execution_context, "graphql_document", None) is not None \
            and execution_context.operation_type == OperationType.SUBSCRIPTION
        for error in errors:
            if subscription and is_unexpected(error):
                log.error("unexpected error in %s", error.path, exc_info=error.original_error)
            elif isinstance(error.original_error, DatabaseUnavailable):
                log.warning("%s: %s", ".".join(str(p) for p in error.path or ()) or "request", error.message)


def build_schema(production: bool = False, introspection: bool = True) -> strawberry.Schema:
    from ckg.gql.limits import QueryCostLimiter

    # The depth and alias rules are built once (building them per request costs two classes each
    # time); they run only when a document is validated, i.e. on a miss of the document cache.
    shape_rules = [*QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
                   *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules]
    # Factories, so each request gets fresh extension instances. The cost limiter comes first: it
    # refuses long texts before parsing and costly documents before any validation rule runs; the
    # document cache then answers parsing and validation for a text seen before.
    extensions: list[Any] = [
        Measure,
        QueryCostLimiter,
        document_cache(Documents()),
        lambda: AddValidationRules(shape_rules),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        LogUnexpected,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    if production:
        extensions.append(lambda: MaskErrors(should_mask_error=is_unexpected, error_message="Unexpected error."))
    return CkgSchema(query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions)


schema = build_schema()
