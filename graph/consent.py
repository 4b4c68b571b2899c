"""Consent: the latest record per purpose decides what may be derived and used about a person.

Purposes (``Consent.purpose``) and what a customer's latest decisions allow (``allowedUses``,
computed by ``cypher/consent/update_allowed_uses.cypher``, the one home of the rule):

- ``registered``: what the person gave us, always usable;
- ``profiling``: tags inferred from behaviour, unless the latest profiling consent is false;
- ``sensitive_inference``: sensitive tags, only while the latest sensitive_inference consent is
  true (and profiling is allowed);
- ``marketing``: membership of segments (audiences, exports), unless the latest marketing
  consent is false; a segment whose rule rests on profiling (communities, profiling tags) also
  needs profiling (``graph.segments.rule_basis``).

The tag writer writes a tag only where its family's basis is allowed, so a withdrawal takes
effect on the next refresh of that customer; :func:`record_consent` applies it at once.

What the algorithms keep besides tags is profiling too: social community memberships
(``MEMBER_OF``), similarity links (``SIMILAR_TO``) and the BG/NBD scores (``pAlive``,
``expectedPurchases90d``). The algorithms write none for a customer who does not allow profiling
(their data still count where others' results depend on them: a tie, a purchase in a fitted
population), :func:`apply_consents` removes them at once, and the API's statements read them only
where ``coalesce('profiling' IN c.allowedUses, true)`` holds (no ``allowedUses``: the defaults,
which allow profiling), so data written before a withdrawal is never shown.
Identity links (``SAME_PERSON_AS``) are kept for everyone: they join records of one person from
the identifiers the person gave, so that erasure and export reach every record; they appear in a
portrait only as the ``duplicate_identity`` tag, which needs profiling (docs/privacy.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from ckg.graph.db import Database, TxRunner
from ckg.graph.errors import NotFound
from ckg.graph.queries import queries

Purpose = Literal["profiling", "sensitive_inference", "marketing"]
PURPOSES: tuple[Purpose, ...] = ("profiling", "sensitive_inference", "marketing")
#: What a customer without any consent record allows (the rule's defaults, as a list).
DEFAULT_USES = ["registered", "profiling", "marketing"]


@dataclass(frozen=True)
class ConsentRecorded:
    consent_id: str
    allowed_uses: list[str]
    dropped_tags: int
    left_segments: int


def update_allowed_uses(tx: TxRunner, ids: Sequence[str]) -> None:
    """Recompute ``allowedUses`` of these customers from their latest consents (in the caller's tx)."""
    if ids:
        tx.run(queries.consent.update_allowed_uses, ids=list(ids))


def apply_consents(tx: TxRunner, ids: Sequence[str]) -> tuple[int, int, int]:
    """Recompute, then drop the tags, algorithm outputs and segment memberships the consents no
    longer allow; returns (tags dropped, segments left, customers who lost algorithm outputs)."""
    update_allowed_uses(tx, ids)
    dropped = tx.run(queries.consent.drop_unconsented_tags, ids=list(ids), defaultUses=DEFAULT_USES)
    outputs = drop_unconsented_outputs(tx, ids)
    left = tx.run(queries.consent.leave_unconsented_segments, ids=list(ids), defaultUses=DEFAULT_USES)
    return int(dropped[0]["dropped"]) if dropped else 0, int(left[0]["left"]) if left else 0, outputs


def drop_unconsented_outputs(tx: TxRunner, ids: Sequence[str]) -> int:
    """Remove the community memberships, similarity links and BG/NBD scores of those of ``ids``
    who do not allow profiling; the communities they left get their size and profile again (an
    emptied one goes). Returns how many customers lost something."""
    rows = tx.run(queries.consent.drop_unconsented_outputs, ids=list(ids), defaultUses=DEFAULT_USES)
    if not rows:
        return 0
    communities = list(rows[0]["communities"] or [])
    if communities:
        tx.run(queries.algorithms.update_community_profiles, kind=None, ids=communities)
        tx.run(queries.privacy.delete_empty_communities, ids=communities)
    return int(rows[0]["customers"] or 0)


def profiling_refusers(db: Database) -> set[str]:
    """Customers whose consents do not allow profiling: no algorithm output is written for them."""
    return {r["id"] for r in db.read(queries.consent.stream_refusers, use="profiling", defaultUses=DEFAULT_USES)}


def record_consent(db: Database, customer_id: str, purpose: str, granted: bool, *, source: str,
                   at: datetime | None = None) -> ConsentRecorded:
    """Record a consent decision and apply it at once (tags, algorithm outputs and segments);
    re-deriving and moving the portrait's version are the caller's."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown consent purpose {purpose!r}: use {', '.join(PURPOSES)}")
    stamp = (at or datetime.now(UTC)).isoformat()
    consent_id = f"api-{uuid.uuid4().hex}"

    def work(tx: TxRunner) -> ConsentRecorded:
        made = tx.run(queries.consent.create_consent, id=customer_id, consentId=consent_id, purpose=purpose,
                      granted=granted, at=stamp, source=source)
        if not made:
            raise NotFound(f"no customer {customer_id!r}")
        dropped, left, _ = apply_consents(tx, [customer_id])
        uses = tx.run(queries.consent.stream_consents, id=customer_id)[0]["allowedUses"]
        return ConsentRecorded(consent_id, list(uses or []), dropped, left)

    return db.write_tx(work)


def consent_history(db: Database, customer_id: str) -> dict[str, Any]:
    """Every consent record of the customer (newest first) and what they allow now."""
    rows = db.read(queries.consent.stream_consents, id=customer_id)
    if not rows:
        raise NotFound(f"no customer {customer_id!r}")
    return {"allowedUses": rows[0]["allowedUses"] or DEFAULT_USES, "history": rows[0]["history"]}
