"""Resolvers: a line or two each, calling :mod:`graph` off the event loop."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from graphql import GraphQLError
from starlette.concurrency import run_in_threadpool
from strawberry.scalars import JSON
from strawberry.types import Info

from ckg.gql import types as t
from ckg.gql.group_commit import GroupCommit
from ckg.gql.paging import After, CursorError, First, check_first, decode_cursor, encode_cursor
from ckg.gql.response_cache import capturing
from ckg.graph import (
    changes,
    consent,
    customers,
    enterprises,
    jobs,
    locks,
    privacy,
    quality,
    recommend,
    reports,
    segments,
)
from ckg.graph import events as event_store
from ckg.graph import tag_history as history
from ckg.graph.communities import community_detail
from ckg.graph.errors import InputError, NotFound
from ckg.graph.portrait import PortraitHead, assemble, tag_description
from ckg.graph.tags.catalogue import FAMILIES, is_sensitive_tag
from ckg.graph.tags.explain import explain, tags_held
from ckg.graph.tags.refresh import RefreshResult, refresh

AsOf = Annotated[datetime | None, strawberry.argument(
    description="The portrait as it stood at this time (ISO-8601), from the tag history; omitted: now.")]


async def server(info: Info) -> t.ServerStatus:
    s = await run_in_threadpool(info.context.db.server_info)
    return t.ServerStatus(neo4j_version=s.neo4j_version, edition=s.edition, gds_version=s.gds_version,
                          apoc_version=s.apoc_version)


async def customer(info: Info, id: strawberry.ID) -> t.Customer | None:
    row = await info.context.loaders.customer.load(str(id))
    return t.Customer.of(row) if row else None


async def customers_(info: Info, filter: t.CustomerFilter | None = None, first: First = 20,
                     after: After = None) -> t.CustomerConnection:
    flt = customers.CustomerFilter() if filter is None else customers.CustomerFilter(
        tag=filter.tag, dimension=filter.dimension, min_weight=filter.min_weight, country=filter.country,
        community=filter.community, segment=filter.segment)
    return await t.customer_connection(info, flt, first, after)


async def search_customers(info: Info, text: str, first: First = 20) -> list[t.Customer] | None:
    """By id for everyone; by name or e-mail only for roles that may read personal data."""
    check_first(first)
    pii = info.context.can_read_pii
    ids = await customers.search_customers(info.context.adb, text, first, pii)
    if not ids and not pii:
        # The same answer whatever the text matches: an analyst learns nothing about names or e-mails.
        raise GraphQLError("No customer has this id; searching by name or e-mail is personal data: "
                           "it needs the marketer or admin role.")
    if ids != [text.strip()]:
        for found in ids:  # matched on their name or e-mail: a use of personal data, audited as one
            t.audit_read(info, found, "search by name or e-mail")
    rows = await info.context.loaders.customer.load_many(ids)
    return [t.Customer.of(r) for r in rows if r is not None]


async def enterprise(info: Info, id: strawberry.ID) -> t.Enterprise | None:
    row = await info.context.loaders.enterprise.load(str(id))
    return t.Enterprise.of(row) if row else None


async def enterprises_(info: Info, first: First = 20, after: After = None, country: str | None = None,
                       tag: str | None = None) -> t.EnterpriseConnection:
    check_first(first)
    ids, more, total = await enterprises.enterprise_page(info.context.adb, first, decode_cursor("enterprise", after),
                                                         country, tag)
    rows = await info.context.loaders.enterprise.load_many(ids)
    edges = [t.EnterpriseEdge(node=t.Enterprise.of(r), cursor=encode_cursor("enterprise", r["id"]))
             for r in rows if r is not None]
    return t.EnterpriseConnection(edges=edges, total_count=total,
                                  page_info=t.PageInfo(has_next_page=more,
                                                       end_cursor=edges[-1].cursor if edges else None))


async def portrait(info: Info, customer_id: strawberry.ID, as_of: AsOf = None) -> t.Portrait | None:
    """One round trip (the customer, their tags and communities, the version), through the cache;
    ``asOf``: the tags as they stood then, read from the tag history (not cached)."""
    if as_of is not None:
        return await _portrait_as_of(info, str(customer_id), as_of)
    state = info.context.request.app.state
    data = await state.portraits.get(state.adb, str(customer_id), info.context.can_read_sensitive)
    capture = capturing()
    if capture is not None and data is not None and capture.plan.customer_id == str(customer_id):
        capture.head = PortraitHead(data.customer, data.version)  # what a cached answer is checked against
        capture.read_at = data.read_at  # its age counts from when its tags were read
    return None if data is None else t.portrait_of(info, data)


async def _portrait_as_of(info: Info, customer_id: str, as_of: datetime) -> t.Portrait | None:
    row = await info.context.loaders.customer.load(customer_id)
    if row is None:
        return None
    versions = await run_in_threadpool(history.tags_as_of, info.context.db, customer_id, as_of.isoformat(),
                                       include_sensitive=info.context.can_read_sensitive)
    tags = [{"name": v.tag, "dimension": v.dimension, "weight": v.weight, "confidence": v.confidence,
             "computedAt": v.valid_from, "source": v.source, "sensitive": v.sensitive,
             "description": tag_description(v.tag)} for v in versions]
    t.audit_sensitive(info, customer_id, tags)
    p = assemble(row, tags)
    return t.Portrait(customer=t.Customer.of(row), p_alive=None, expected_purchases_90d=None,
                      dimensions=[t.PortraitDimension(name=d, tags=[t.Tag.of(x) for x in rows])
                                  for d, rows in p.dimensions])


async def tag_history(info: Info, customer_id: strawberry.ID, tag: str | None = None, first: First = 20,
                      after: After = None) -> t.TagHistory | None:
    """Every version of the customer's tags (or of one tag), newest first; null for an unknown customer."""
    check_first(first)
    try:
        page = await run_in_threadpool(lambda: history.tag_history(
            info.context.db, str(customer_id), tag, first=first, after=after,
            include_sensitive=info.context.can_read_sensitive))
    except NotFound:
        return None
    except InputError as exc:
        raise CursorError(str(exc)) from exc
    rows = [{"name": v.tag, "sensitive": v.sensitive} for v in page.versions]
    t.audit_sensitive(info, str(customer_id), rows)
    return t.TagHistory(
        versions=[t.TagVersion(tag=v.tag, dimension=v.dimension, sensitive=v.sensitive, weight=v.weight,
                               confidence=v.confidence, source=v.source, valid_from=v.valid_from,
                               valid_to=v.valid_to, reason=v.reason, cursor=v.cursor) for v in page.versions],
        page_info=t.PageInfo(has_next_page=page.has_next, end_cursor=page.end_cursor))


def portraits_changed(info: Info, customer_ids: list[str] | None) -> None:
    """This request changed these portraits (None: anyone's): drop them from this worker's cache now
    (the graph's version tells the other workers) and wake this worker's subscriptions."""
    state = info.context.request.app.state
    if customer_ids is None:
        state.portraits.clear()
        state.responses.clear()
    else:
        for cid in customer_ids:
            state.portraits.invalidate(cid)
            state.responses.invalidate(cid)
    state.watch.poke()


async def tag_catalog(info: Info) -> t.TagCatalog:
    rows = await run_in_threadpool(tags_held, info.context.db, info.context.can_read_sensitive)
    return t.TagCatalog(
        families=[t.TagFamilyInfo(name=f.name, dimension=f.dimension, description=f.description,
                                  derivation=f.derivation, sensitive=f.sensitive, expands_over=f.expands_over)
                  for f in FAMILIES],
        tags=[t.TagInUse(name=r["name"], family=r["family"], dimension=r["dimension"], description=r["description"],
                         sensitive=bool(r["sensitive"]), holders=r["holders"]) for r in rows])


async def community(info: Info, id: strawberry.ID, first: First = 50) -> t.CommunityDetail | None:
    check_first(first)
    r = await run_in_threadpool(community_detail, info.context.db, str(id), first)
    if r is None:
        return None
    return t.CommunityDetail(id=strawberry.ID(r["communityId"]), kind=r["kind"], size=r["size"],
                             algorithm=r["algorithm"], dominant_interests=r["dominantInterests"] or [],
                             computed_at=r["computedAt"], member_ids=[strawberry.ID(m) for m in r["members"]])


async def recommendations(info: Info, customer_id: strawberry.ID, first: First = 10) -> list[t.Recommendation]:
    check_first(first)
    recs = await run_in_threadpool(recommend.recommend, info.context.db, str(customer_id), first)
    return [t.Recommendation(sku=strawberry.ID(r.sku), name=r.name, price=r.price, score=r.score, reasons=r.reasons)
            for r in recs]


async def explain_tag(info: Info, customer_id: strawberry.ID, tag: str) -> t.ExplainResult:
    not_held = t.NotFoundError(message=f"{customer_id} does not carry the tag {tag!r}")
    if is_sensitive_tag(tag) and not info.context.can_read_sensitive:
        return not_held  # the same answer whether or not they hold it
    try:
        e = await run_in_threadpool(explain, info.context.db, str(customer_id), tag)
    except NotFound as exc:
        return t.NotFoundError(message=str(exc))
    if e["sensitive"] and not info.context.can_read_sensitive:
        return not_held
    return t.TagExplanation(tag=e["tag"], dimension=e["dimension"], description=e["description"],
                            weight=e["weight"], confidence=e["confidence"], computed_at=e["computedAt"],
                            source=e["source"], derivation=e["derivation"], weight_rule=e["weightRule"],
                            evidence=e["evidence"] or [])


async def channel_quality(info: Info) -> list[t.ChannelQuality]:
    rows = await run_in_threadpool(reports.channel_quality, info.context.db)
    return [t.ChannelQuality(channel=r["channel"], name=r["name"], customers=r["customers"], buyer_rate=r["buyerRate"],
                             repeat_rate=r["repeatRate"], spend_per_customer=r["spendPerCustomer"],
                             mean_p_alive=r["meanPAlive"]) for r in rows]


async def warehouse_demand(info: Info, days: int = 90, first: First = 50) -> list[t.DemandRow]:
    check_first(first)
    rows = await run_in_threadpool(reports.warehouse_demand, info.context.db, days, first)
    return [t.DemandRow(country=r["country"], category=r["category"], warehouse=r["warehouse"], units=r["units"],
                        revenue_usd=r["revenueUsd"]) for r in rows]


async def referral_fission(info: Info, largest: int = 1) -> t.ReferralFission:
    if not 0 <= largest <= 10:
        raise GraphQLError("largest must be 0 to 10")
    r = await run_in_threadpool(reports.referral_cascades, info.context.db, largest)
    return t.ReferralFission(
        cascades=[t.CascadeCount(**c) for c in r["cascades"]],
        trees=[t.ReferralTree(root=strawberry.ID(x["root"]), size=x["size"], depth=x["depth"],
                              edges=[t.ReferralEdge(source=strawberry.ID(e["source"]),
                                                    target=strawberry.ID(e["target"])) for e in x["edges"]])
               for x in r["trees"]])


async def data_quality(info: Info, stale_days: int = quality.STALE_DAYS, loads: int = 5) -> t.DataQuality:
    if not 1 <= stale_days <= 3650 or not 1 <= loads <= 50:
        raise GraphQLError("staleDays must be 1 to 3650 and loads 1 to 50")
    rep = await run_in_threadpool(quality.data_quality, info.context.db, stale_days, loads)
    return t.DataQuality(status=rep.status, as_of=rep.as_of, stale_days=rep.stale_days,
                         checks=[t.QualityCheck(**vars(c)) for c in rep.checks],
                         loads=[t.LoadRecord(**vars(f)) for f in rep.loads])


async def segment(info: Info, name: str) -> t.Segment | None:
    row = await run_in_threadpool(lambda: segments.get(info.context.db, name,
                                                      include_sensitive=info.context.can_read_sensitive))
    if row is None:
        return None
    return t.Segment(name=row["name"], rule=row["rule"], computed_at=row["computedAt"], size=row["size"])


async def define_segment(info: Info, name: str, rule: str) -> t.DefineSegmentResult:
    """Check the rule at once; computing the members runs as a job."""
    admin = info.context.can_read_sensitive
    try:
        segments.check_definition(name, rule, may_use_sensitive=admin)
    except segments.RuleError as exc:
        return t.InvalidRuleError(message=str(exc))
    def work(progress: jobs.JobProgress) -> dict[str, object]:
        # The job runs on the runner's database, which retries like the CLI, not as briefly as a request.
        size = segments.define(progress.db, name, rule, may_use_sensitive=admin, progress=progress)
        return {"segment": name, "size": size}

    return await _start_job(info, "define_segment", work)


async def _start_job(info: Info, kind: str, work: jobs.Work) -> t.JobStarted:
    runner: jobs.JobRunner = info.context.request.app.state.jobs
    job_id = await run_in_threadpool(runner.submit, kind, f"api:{info.context.token_name}", work)
    row = await run_in_threadpool(jobs.get_job, info.context.db, job_id)
    assert row is not None
    return t.JobStarted(job=t.Job.of(row))


async def job(info: Info, id: strawberry.ID) -> t.Job | None:
    """A job, for the token that started it or an admin (an admin's segment job may describe a sensitive one)."""
    row = await run_in_threadpool(jobs.get_job, info.context.db, str(id))
    if row is None or not (info.context.can_read_sensitive or row["requestedBy"] == f"api:{info.context.token_name}"):
        return None
    return t.Job.of(row)


async def refresh_customers(info: Info, ids: list[str]) -> RefreshResult:
    """The incremental refresh of these customers, grouped with other requests' (gql.group_commit)."""
    grouped: GroupCommit[list[str], RefreshResult] = info.context.request.app.state.refreshes
    return await grouped.submit(ids)


async def record_events(info: Info, events: list[t.EventInput]) -> t.RecordEventsResult:
    batch = [event_store.Event(str(e.event_id), str(e.customer_id), e.type.value, e.at, e.sku and str(e.sku),
                               e.query, e.device) for e in events]
    try:
        event_store.check(batch)
    except event_store.InvalidEvent as exc:
        return t.InvalidEventsError(message=str(exc), event_id=strawberry.ID(exc.event_id))
    # stored and refreshed with the batches of the requests beside it (gql.group_commit)
    recorder: GroupCommit[list[event_store.Event], event_store.Recorded] = info.context.request.app.state.recorder
    done = await recorder.submit(batch)
    if done.customers:
        portraits_changed(info, done.customers)
    if done.unknown_customers or done.unknown_products:
        return t.UnknownEntitiesError(message="some events name customers or products that do not exist; "
                                              "the others were stored",
                                      unknown_customers=[strawberry.ID(x) for x in done.unknown_customers],
                                      unknown_products=[strawberry.ID(x) for x in done.unknown_products])
    return t.EventsRecorded(stored=done.stored, refreshed_customers=[strawberry.ID(i) for i in done.customers])


async def refresh_tags(info: Info, customer_ids: list[strawberry.ID] | None = None) -> t.RefreshTagsResult:
    """Some customers: refreshed now. Everyone (no list): a job, one at a time (the graph's lock)."""
    db = info.context.db
    if customer_ids is not None:
        ids = [str(i) for i in customer_ids]
        if not ids:
            return t.TagsRefreshed(customers=0, families=0, seconds=0.0)
        missing = set(ids) - await customers.existing_customers(info.context.adb, ids)
        if missing:
            return t.NotFoundError(message=f"unknown customers: {', '.join(sorted(missing))}")
        result = await refresh_customers(info, ids)
        portraits_changed(info, ids)
        return t.TagsRefreshed(customers=len(ids), families=len(result.stages), seconds=result.seconds)
    if await run_in_threadpool(locks.is_held, db, locks.FULL_REFRESH):
        return t.BusyError(message="a full tag refresh is already running; poll its job or try again later")

    def work(progress: jobs.JobProgress) -> dict[str, object]:
        result = refresh(progress.db, progress=progress)  # the runner's database: the CLI's retries
        return {"asOf": result.as_of, "engine": result.engine, "families": len(result.stages),
                "seconds": round(result.seconds, 3)}

    return await _start_job(info, "refresh_tags", work)


async def record_consent(info: Info, customer_id: strawberry.ID, purpose: t.ConsentPurpose,
                         granted: bool) -> t.RecordConsentResult:
    """Record the decision, apply it at once, and re-derive the person's portrait."""
    db = info.context.db

    def record() -> consent.ConsentRecorded:
        done = consent.record_consent(db, str(customer_id), purpose.value, granted,
                                      source=f"api:{info.context.token_name}")
        changes.portraits_changed(db, [str(customer_id)])  # dropped tags vanish from caches at once
        return done

    try:
        done = await run_in_threadpool(record)
    except NotFound as exc:
        return t.NotFoundError(message=str(exc))
    portraits_changed(info, [str(customer_id)])
    await refresh_customers(info, [str(customer_id)])
    portraits_changed(info, [str(customer_id)])
    return t.ConsentRecorded(customer_id=customer_id, consent_id=strawberry.ID(done.consent_id),
                             allowed_uses=done.allowed_uses, dropped_tags=done.dropped_tags,
                             left_segments=done.left_segments, refreshed=True)


async def erase_customer(info: Info, customer_id: strawberry.ID, with_linked: bool = False) -> t.EraseResult:
    actor = f"api:{info.context.token_name}"
    db = info.context.db

    def erase() -> privacy.Erasure:
        done = privacy.erase_customer(db, str(customer_id), actor, with_linked=with_linked)
        changes.portraits_changed(db, None)  # neighbours' tags and communities changed too
        return done

    try:
        done = await run_in_threadpool(erase)
    except NotFound as exc:
        return t.NotFoundError(message=str(exc))
    portraits_changed(info, None)
    return t.CustomerErased(customer_id=customer_id, deleted_nodes=done.deleted_nodes,
                            erased=[strawberry.ID(i) for i in done.erased],
                            linked_kept=[strawberry.ID(i) for i in done.linked_kept])


async def export_customer(info: Info, customer_id: strawberry.ID) -> t.ExportCustomerResult:
    actor = f"api:{info.context.token_name}"
    try:
        document = await run_in_threadpool(privacy.export_customer, info.context.db, str(customer_id), actor)
    except NotFound as exc:
        return t.NotFoundError(message=str(exc))
    return t.CustomerExport(customer_id=customer_id, document=JSON(document))
