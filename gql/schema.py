"""The GraphQL schema: queries, mutations and the cross-cutting extensions (limits, masking)."""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from ckg.gql import resolvers as r
from ckg.gql import types as t
from ckg.gql.permissions import CanChangeData, IsAdmin
from ckg.graph.errors import CkgError

log = logging.getLogger("ckg.api")
MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000


@strawberry.type
class Query:
    server: t.ServerStatus = strawberry.field(resolver=r.server,
                                              description="Versions of the Neo4j server behind this API.")
    customer: t.Customer | None = strawberry.field(resolver=r.customer)
    customers: t.CustomerConnection = strawberry.field(resolver=r.customers_,
                                                       description="Customers with filters (Relay connection).")
    enterprise: t.Enterprise | None = strawberry.field(resolver=r.enterprise)
    enterprises: t.EnterpriseConnection = strawberry.field(resolver=r.enterprises_,
                                                           description="Enterprises by purchasing potential.")
    portrait: t.Portrait | None = strawberry.field(resolver=r.portrait,
                                                   description="A customer's tags grouped by dimension.")
    tag_catalog: t.TagCatalog = strawberry.field(resolver=r.tag_catalog)
    community: t.CommunityDetail | None = strawberry.field(resolver=r.community)
    recommendations: list[t.Recommendation] = strawberry.field(resolver=r.recommendations)
    explain_tag: t.ExplainResult = strawberry.field(resolver=r.explain_tag)
    channel_quality: list[t.ChannelQuality] = strawberry.field(resolver=r.channel_quality,
                                                               description="Customer quality per acquisition channel.")
    warehouse_demand: list[t.DemandRow] = strawberry.field(
        resolver=r.warehouse_demand, description="Units by buyer country and category, for warehouse planning.")
    segment: t.Segment | None = strawberry.field(resolver=r.segment)


@strawberry.type
class Mutation:
    record_events: t.RecordEventsResult = strawberry.mutation(
        resolver=r.record_events, permission_classes=[CanChangeData], graphql_type=t.RecordEventsResult,
        description="Store behaviour events and refresh the affected portraits.")
    refresh_tags: t.RefreshTagsResult = strawberry.mutation(resolver=r.refresh_tags, permission_classes=[IsAdmin])
    define_segment: t.SegmentResult = strawberry.mutation(resolver=r.define_segment, permission_classes=[CanChangeData])
    erase_customer: t.EraseResult = strawberry.mutation(
        resolver=r.erase_customer, permission_classes=[IsAdmin],
        description="Right to erasure: delete the customer and everything only they own; audited.")


class LogUnexpected(SchemaExtension):
    """Log unexpected errors with their traceback before masking hides them from the client."""

    def on_operation(self) -> Any:
        yield
        result = self.execution_context.result
        for err in getattr(result, "errors", None) or []:
            if is_unexpected(err):
                log.error("unexpected error in %s", err.path, exc_info=err.original_error)


def is_unexpected(error: GraphQLError) -> bool:
    """Expected: validation errors (no original), ckg errors, and GraphQL errors such as denied permissions."""
    original = error.original_error
    return original is not None and not isinstance(original, CkgError | GraphQLError)


def build_schema(production: bool = False, introspection: bool = True) -> strawberry.Schema:
    # Factories, so each request gets fresh extension instances.
    extensions: list[Any] = [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        LogUnexpected,
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    if production:
        extensions.append(lambda: MaskErrors(should_mask_error=is_unexpected, error_message="Unexpected error."))
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions)


schema = build_schema()
