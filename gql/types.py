"""GraphQL types: thin adapters over the dicts and dataclasses :mod:`graph` returns."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from ckg.gql.paging import After, First, check_first, decode_cursor, decode_offset, encode_cursor
from ckg.gql.permissions import CanReadPII
from ckg.gql.response_cache import capturing
from ckg.graph import customers
from ckg.graph.portrait import PortraitData, assemble


def audit_read(info: Info, subject_id: str, what: str) -> None:
    """Record in the read audit that this request's token read ``what`` of the subject."""
    info.context.request.app.state.audit.read(f"api:{info.context.token_name}", subject_id, what)
    capture = capturing()
    if capture is not None:  # a cached answer replays the entry for whoever reads it again
        capture.audits.append((subject_id, what))


def audit_sensitive(info: Info, subject_id: str, rows: list[dict[str, Any]]) -> None:
    for r in rows:
        if r.get("sensitive"):
            audit_read(info, subject_id, f"tag {r['name']}")


@strawberry.type
class ServerStatus:
    neo4j_version: str
    edition: str
    gds_version: str | None
    apoc_version: str | None


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Tag:
    name: str
    dimension: str
    weight: float
    confidence: float | None
    computed_at: str | None
    description: str | None
    source: str | None
    sensitive: bool

    @staticmethod
    def of(row: dict[str, Any]) -> Tag:
        return Tag(name=row["name"], dimension=row["dimension"], weight=row["weight"],
                   confidence=row.get("confidence"), computed_at=row.get("computedAt"),
                   description=row.get("description"), source=row.get("source"),
                   sensitive=bool(row.get("sensitive")))


@strawberry.type
class Community:
    id: strawberry.ID
    kind: str
    size: int | None
    algorithm: str | None
    dominant_interests: list[str]

    @staticmethod
    def of(row: dict[str, Any]) -> Community:
        return Community(id=strawberry.ID(row["communityId"]), kind=row["kind"], size=row.get("size"),
                         algorithm=row.get("algorithm"), dominant_interests=row.get("dominantInterests") or [])


@strawberry.type
class Order:
    order_id: strawberry.ID
    placed_at: str
    total: float
    currency: str
    total_usd: float
    status: str
    promo: bool | None


@strawberry.type
class OrderEdge:
    node: Order
    cursor: str


@strawberry.type
class OrderConnection:
    edges: list[OrderEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class SimilarCustomer:
    score: float
    customer: Annotated[Customer, strawberry.lazy("ckg.gql.types")]


@strawberry.type
class Referral:
    direction: str = strawberry.field(description="REFERRED: this customer referred the other; REFERRED_BY: the "
                                                  "other referred this customer.")
    at: str | None
    customer: Annotated[Customer, strawberry.lazy("ckg.gql.types")]


@strawberry.type
class Customer:
    id: strawberry.ID
    country: str | None
    city: str | None
    p_alive: float | None
    expected_purchases_90d: float | None
    _row: strawberry.Private[dict[str, Any]]

    @strawberry.field(permission_classes=[CanReadPII], description="Personal data: marketer or admin; audited.")
    def name(self, info: Info) -> str | None:
        audit_read(info, str(self.id), "name")
        return self._row.get("name")

    @strawberry.field(permission_classes=[CanReadPII], description="Personal data: marketer or admin; audited.")
    def email(self, info: Info) -> str | None:
        audit_read(info, str(self.id), "email")
        return self._row.get("email")

    @strawberry.field(permission_classes=[CanReadPII], description="Personal data: marketer or admin; audited.")
    def phone(self, info: Info) -> str | None:
        audit_read(info, str(self.id), "phone")
        return self._row.get("phone")

    @strawberry.field(description="Tags, optionally of one dimension; sensitive tags only for admins.")
    async def tags(self, info: Info, dimension: str | None = None) -> list[Tag]:
        rows = await info.context.loaders.tags.load(str(self.id))
        chosen = [r for r in rows if dimension is None or r["dimension"] == dimension]
        audit_sensitive(info, str(self.id), chosen)
        return [Tag.of(r) for r in chosen]

    @strawberry.field(description="The customer's social community, if any.")
    async def community(self, info: Info) -> Community | None:
        rows = await info.context.loaders.communities.load(str(self.id))
        social = [r for r in rows if r["kind"] == "social"]
        return Community.of(social[0]) if social else None

    @strawberry.field
    async def similar_customers(self, info: Info, first: First = 5) -> list[SimilarCustomer]:
        check_first(first)
        rows = await info.context.loaders.similar(first).load(str(self.id))
        found = await info.context.loaders.customer.load_many([r["other"] for r in rows])
        return [SimilarCustomer(score=r["score"], customer=Customer.of(c))
                for r, c in zip(rows, found, strict=True) if c is not None]

    @strawberry.field(description="Whom the customer referred and who referred them, newest first.")
    async def referrals(self, info: Info, first: First = 10) -> list[Referral]:
        check_first(first)
        rows = await info.context.loaders.referrals(first).load(str(self.id))
        found = await info.context.loaders.customer.load_many([r["other"] for r in rows])
        return [Referral(direction=r["direction"], at=r["at"], customer=Customer.of(c))
                for r, c in zip(rows, found, strict=True) if c is not None]

    @strawberry.field
    async def orders(self, info: Info, first: First = 10, after: After = None) -> OrderConnection:
        check_first(first)
        offset = decode_offset("order", after)
        res = await info.context.loaders.orders(offset, first).load(str(self.id))
        page = res["page"]
        edges = [OrderEdge(node=Order(order_id=strawberry.ID(o["orderId"]), placed_at=o["placedAt"],
                                      total=o["total"], currency=o["currency"], total_usd=o["totalUsd"],
                                      status=o["status"], promo=o.get("promo")),
                           cursor=encode_cursor("order", str(offset + i))) for i, o in enumerate(page)]
        return OrderConnection(edges=edges, total_count=res["total"],
                               page_info=PageInfo(has_next_page=offset + len(page) < res["total"],
                                                  end_cursor=edges[-1].cursor if edges else None))

    @staticmethod
    def of(row: dict[str, Any]) -> Customer:
        return Customer(id=strawberry.ID(row["id"]), country=row.get("country"), city=row.get("city"),
                        p_alive=row.get("pAlive"), expected_purchases_90d=row.get("expected90d"), _row=row)


@strawberry.type
class CustomerEdge:
    node: Customer
    cursor: str


@strawberry.type
class CustomerConnection:
    edges: list[CustomerEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class CustomerFilter:
    tag: str | None = None
    dimension: str | None = None
    min_weight: float = 0.0
    country: str | None = None
    community: str | None = None
    segment: str | None = None


@strawberry.type
class Contact:
    contact_id: strawberry.ID
    title: str | None
    _row: strawberry.Private[dict[str, Any]]

    @strawberry.field(permission_classes=[CanReadPII], description="Personal data: marketer or admin; audited.")
    def name(self, info: Info) -> str | None:
        audit_read(info, str(self.contact_id), "name")
        return self._row.get("name")

    @strawberry.field(permission_classes=[CanReadPII], description="Personal data: marketer or admin; audited.")
    def email(self, info: Info) -> str | None:
        audit_read(info, str(self.contact_id), "email")
        return self._row.get("email")

    @strawberry.field(permission_classes=[CanReadPII], description="Personal data: marketer or admin; audited.")
    def phone(self, info: Info) -> str | None:
        audit_read(info, str(self.contact_id), "phone")
        return self._row.get("phone")


@strawberry.type
class PurchasingPotential:
    score: float
    rank: int


@strawberry.type
class Enterprise:
    id: strawberry.ID
    name: str
    country: str | None
    industry: str | None
    size: int | None
    revenue_band: str | None
    contacts: list[Contact]
    purchasing_potential: PurchasingPotential | None

    @strawberry.field
    async def tags(self, info: Info, dimension: str | None = None) -> list[Tag]:
        rows = await info.context.loaders.enterprise_tags.load(str(self.id))
        return [Tag.of(r) for r in rows if dimension is None or r["dimension"] == dimension]

    @staticmethod
    def of(row: dict[str, Any]) -> Enterprise:
        potential = None
        if row.get("potentialScore") is not None:
            potential = PurchasingPotential(score=row["potentialScore"], rank=row["potentialRank"])
        return Enterprise(id=strawberry.ID(row["id"]), name=row["name"], country=row.get("country"),
                          industry=row.get("industry"), size=row.get("size"), revenue_band=row.get("revenueBand"),
                          contacts=[Contact(contact_id=strawberry.ID(c["contactId"]), title=c.get("title"), _row=c)
                                    for c in row.get("contacts") or []],
                          purchasing_potential=potential)


@strawberry.type
class EnterpriseEdge:
    node: Enterprise
    cursor: str


@strawberry.type
class EnterpriseConnection:
    edges: list[EnterpriseEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class PortraitDimension:
    name: str
    tags: list[Tag]


@strawberry.type
class Portrait:
    customer: Customer
    dimensions: list[PortraitDimension]
    p_alive: float | None = strawberry.field(description="BG/NBD probability the customer is still active.")
    expected_purchases_90d: float | None = strawberry.field(description="BG/NBD expected purchases in 90 days.")


def portrait_of(info: Info, data: PortraitData) -> Portrait:
    """The Portrait type over one read; the request's DataLoaders are primed with what it holds, so the
    customer's nested fields (tags, community) cost no further round trip."""
    cid = str(data.customer["id"])
    loaders = info.context.loaders
    loaders.customer.prime(cid, data.customer, force=True)
    loaders.tags.prime(cid, data.tags, force=True)
    loaders.communities.prime(cid, data.communities, force=True)
    audit_sensitive(info, cid, data.tags)
    p = assemble(data.customer, data.tags)
    return Portrait(customer=Customer.of(data.customer), p_alive=p.p_alive,
                    expected_purchases_90d=p.expected_purchases_90d,
                    dimensions=[PortraitDimension(name=d, tags=[Tag.of(x) for x in rows]) for d, rows in p.dimensions])


@strawberry.type(description="A portrait changed: the tags that are new or changed, the names of those gone, "
                             "and the whole portrait as it is now.")
class PortraitChange:
    customer_id: strawberry.ID
    changed: list[Tag] = strawberry.field(description="Tags new to the portrait, or with another weight, "
                                                      "confidence, source or evidence.")
    removed: list[str] = strawberry.field(description="Names of tags the portrait no longer holds.")
    erased: bool = strawberry.field(description="The customer is gone (erased); no more changes follow.")
    portrait: Portrait | None


@strawberry.type
class TagFamilyInfo:
    name: str
    dimension: str
    description: str
    derivation: str
    sensitive: bool
    expands_over: str


@strawberry.type
class TagInUse:
    name: str
    family: str | None
    dimension: str
    description: str | None
    sensitive: bool
    holders: int


@strawberry.type
class TagCatalog:
    families: list[TagFamilyInfo]
    tags: list[TagInUse]


@strawberry.type
class CommunityDetail:
    id: strawberry.ID
    kind: str
    size: int | None
    algorithm: str | None
    dominant_interests: list[str]
    computed_at: str | None
    member_ids: list[strawberry.ID]

    @strawberry.field
    async def members(self, info: Info) -> list[Customer]:
        rows = await info.context.loaders.customer.load_many([str(i) for i in self.member_ids])
        return [Customer.of(r) for r in rows if r is not None]


@strawberry.type
class Recommendation:
    sku: strawberry.ID
    name: str
    price: float
    score: float
    reasons: list[str]


@strawberry.type
class TagExplanation:
    tag: str
    dimension: str
    description: str | None
    weight: float
    confidence: float | None
    computed_at: str | None
    source: str | None
    derivation: str
    weight_rule: str
    evidence: list[str]


@strawberry.type
class ChannelQuality:
    channel: str
    name: str
    customers: int
    buyer_rate: float
    repeat_rate: float
    spend_per_customer: float
    mean_p_alive: float | None


@strawberry.type
class DemandRow:
    country: str
    category: str
    warehouse: str | None
    units: int
    revenue_usd: float


@strawberry.type(description="How many referral cascades have this depth and size.")
class CascadeCount:
    depth: int
    size: int
    count: int


@strawberry.type
class ReferralEdge:
    source: strawberry.ID
    target: strawberry.ID


@strawberry.type(description="One referral cascade: who brought whom, from its root.")
class ReferralTree:
    root: strawberry.ID
    size: int
    depth: int
    edges: list[ReferralEdge]


@strawberry.type(description="Referral fission: cascades by depth and size, and the largest trees.")
class ReferralFission:
    cascades: list[CascadeCount]
    trees: list[ReferralTree]


@strawberry.type(description="One data-quality check: a share (or count) against its threshold.")
class QualityCheck:
    area: str = strawberry.field(
        description="completeness, rejected, loads, duplicates, stale, orphans, consent or tags.")
    name: str
    value: float = strawberry.field(description="The share, 0 to 1: count / total.")
    count: int
    total: int
    threshold: str = strawberry.field(description="The limits of ok and warn.")
    status: str = strawberry.field(description="ok, warn or fail.")
    detail: str


@strawberry.type(description="The counts of one file of a load, as `ckg load` recorded them.")
class LoadRecord:
    load_id: str
    at: str
    source: str
    file: str
    read: int
    loaded: int
    rejected: int
    suppressed: int
    skipped: str
    stopped_early: bool


@strawberry.type
class DataQuality:
    status: str = strawberry.field(description="The worst status of the checks.")
    as_of: str = strawberry.field(description="The newest order or event: stale customers are counted back from it.")
    stale_days: int
    checks: list[QualityCheck]
    loads: list[LoadRecord] = strawberry.field(description="The files of the latest loads, newest first.")


@strawberry.type
class Segment:
    name: str
    rule: str
    computed_at: str | None
    size: int

    @strawberry.field
    async def members(self, info: Info, first: First = 20, after: After = None) -> CustomerConnection:
        return await customer_connection(info, customers.CustomerFilter(segment=self.name), first, after)


async def customer_connection(info: Info, flt: customers.CustomerFilter, first: int, after: str | None
                              ) -> CustomerConnection:
    """A page of customers matching ``flt``: the ids in one query, the customers through the DataLoader."""
    check_first(first)
    ids, more, total = await customers.customer_page(info.context.adb, flt, first, decode_cursor("customer", after),
                                                     info.context.can_read_sensitive)
    rows = await info.context.loaders.customer.load_many(ids)
    edges = [CustomerEdge(node=Customer.of(r), cursor=encode_cursor("customer", r["id"]))
             for r in rows if r is not None]
    end = edges[-1].cursor if edges else None
    return CustomerConnection(edges=edges, total_count=total, page_info=PageInfo(has_next_page=more, end_cursor=end))


@strawberry.type(description="Long work started by a mutation; poll `job(id)` for its progress and result.")
class Job:
    id: strawberry.ID
    kind: str
    state: str = strawberry.field(description="queued, running, succeeded or failed.")
    progress: int = strawberry.field(description="Steps done so far (chunks, pages).")
    message: str = strawberry.field(description="What it is doing now, or why it failed.")
    result: JSON | None = strawberry.field(description="What it produced, once succeeded.")
    created_at: str | None
    started_at: str | None
    finished_at: str | None

    @staticmethod
    def of(row: dict[str, Any]) -> Job:
        return Job(id=strawberry.ID(row["jobId"]), kind=row["kind"], state=row["state"], progress=row["progress"] or 0,
                   message=row["message"] or "", result=row["result"], created_at=row["createdAt"],
                   started_at=row["startedAt"], finished_at=row["finishedAt"])


@strawberry.type
class JobStarted:
    job: Job


@strawberry.enum
class ConsentPurpose(Enum):
    PROFILING = "profiling"
    SENSITIVE_INFERENCE = "sensitive_inference"
    MARKETING = "marketing"


@strawberry.type
class ConsentRecorded:
    customer_id: strawberry.ID
    consent_id: strawberry.ID
    allowed_uses: list[str] = strawberry.field(description="What the customer's latest consents allow now.")
    dropped_tags: int = strawberry.field(description="Tags removed at once because their basis is no longer allowed.")
    left_segments: int
    refreshed: bool = strawberry.field(description="The customer's portrait was re-derived.")


@strawberry.type
class CustomerExport:
    customer_id: strawberry.ID
    document: JSON = strawberry.field(description="Everything held about the person, as `ckg privacy export` writes.")


# ---------------------------------------------------------------- expected errors, part of the schema
@strawberry.type
class NotFoundError:
    message: str


@strawberry.type
class InvalidRuleError:
    message: str


@strawberry.type(description="Another run of the same exclusive work is going on; try again later.")
class BusyError:
    message: str


@strawberry.type(description="An event of the batch is malformed or dated in the future; nothing was stored.")
class InvalidEventsError:
    message: str
    event_id: strawberry.ID


@strawberry.type
class EventsRecorded:
    stored: int
    refreshed_customers: list[strawberry.ID]


@strawberry.type
class UnknownEntitiesError:
    message: str
    unknown_customers: list[strawberry.ID]
    unknown_products: list[strawberry.ID]


@strawberry.type
class TagsRefreshed:
    customers: int
    families: int
    seconds: float


@strawberry.type
class CustomerErased:
    customer_id: strawberry.ID
    deleted_nodes: int
    erased: list[strawberry.ID] = strawberry.field(description="Every record erased (withLinked: the linked ones).")
    linked_kept: list[strawberry.ID] = strawberry.field(
        description="Records linked as the same person and not erased (erase them with withLinked: true).")


@strawberry.enum
class EventType(Enum):
    VIEW = "view"
    SEARCH = "search"
    FAVORITE = "favorite"
    CART = "cart"


@strawberry.input
class EventInput:
    event_id: strawberry.ID
    customer_id: strawberry.ID
    type: EventType
    at: str = strawberry.field(description="ISO 8601 timestamp with zone.")
    sku: strawberry.ID | None = None
    query: str | None = None
    device: str | None = None


ExplainResult = Annotated[TagExplanation | NotFoundError, strawberry.union("ExplainResult")]
DefineSegmentResult = Annotated[JobStarted | InvalidRuleError, strawberry.union("DefineSegmentResult")]
RecordEventsResult = Annotated[EventsRecorded | UnknownEntitiesError | InvalidEventsError,
                               strawberry.union("RecordEventsResult")]
RecordConsentResult = Annotated[ConsentRecorded | NotFoundError, strawberry.union("RecordConsentResult")]
ExportCustomerResult = Annotated[CustomerExport | NotFoundError, strawberry.union("ExportCustomerResult")]
EraseResult = Annotated[CustomerErased | NotFoundError, strawberry.union("EraseCustomerResult")]
RefreshTagsResult = Annotated[TagsRefreshed | JobStarted | NotFoundError | BusyError,
                              strawberry.union("RefreshTagsResult")]


@strawberry.type(description="One version of one tag on a customer: current (validTo null) or ended.")
class TagVersion:
    tag: str
    dimension: str | None
    sensitive: bool
    weight: float | None
    confidence: float | None
    source: str | None
    valid_from: str | None = strawberry.field(description="When this version began (the refresh's as-of time).")
    valid_to: str | None = strawberry.field(description="When it ended; null while it is current.")
    reason: str | None = strawberry.field(description="Why it ended: `ended` (no longer derived) or "
                                                      "`weight_changed` (a new version began).")
    cursor: str


@strawberry.type(description="A page of a customer's tag versions, newest first.")
class TagHistory:
    versions: list[TagVersion]
    page_info: PageInfo
