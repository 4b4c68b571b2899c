"""Consent: the latest record per purpose decides what may be derived and used about a person.

Purposes (``Consent.purpose``) and what a customer's latest decisions allow (``allowedUses``,
computed by ``cypher/consent/update_allowed_uses.cypher``, the one home of the rule):

- ``registered``: what the person gave us, always usable;
- ``profiling``: tags inferred from behaviour, unless the latest profiling consent is false;
- ``sensitive_inference``: sensitive tags, only while the latest sensitive_inference consent is
  true (and profiling is allowed);
- ``marketing``: membership of segments (audiences, exports), unless the latest marketing
  consent is false.

The tag writer writes a tag only where its family's basis is allowed, so a withdrawal takes
effect on the next refresh of that customer; :func:`record_consent` applies it at once.
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


def apply_consents(tx: TxRunner, ids: Sequence[str]) -> tuple[int, int]:
    """Recompute, then drop the tags and segment memberships the consents no longer allow."""
    update_allowed_uses(tx, ids)
    dropped = tx.run(queries.consent.drop_unconsented_tags, ids=list(ids), defaultUses=DEFAULT_USES)
    left = tx.run(queries.consent.leave_segments_without_marketing, ids=list(ids), defaultUses=DEFAULT_USES)
    return int(dropped[0]["dropped"]) if dropped else 0, int(left[0]["left"]) if left else 0


def record_consent(db: Database, customer_id: str, purpose: str, granted: bool, *, source: str,
                   at: datetime | None = None) -> ConsentRecorded:
    """Record a consent decision and apply it at once (tags and segments); re-deriving is the caller's."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown consent purpose {purpose!r}: use {', '.join(PURPOSES)}")
    stamp = (at or datetime.now(UTC)).isoformat()
    consent_id = f"api-{uuid.uuid4().hex}"

    def work(tx: TxRunner) -> ConsentRecorded:
        made = tx.run(queries.consent.create_consent, id=customer_id, consentId=consent_id, purpose=purpose,
                      granted=granted, at=stamp, source=source)
        if not made:
            raise NotFound(f"no customer {customer_id!r}")
        dropped, left = apply_consents(tx, [customer_id])
        uses = tx.run(queries.consent.stream_consents, id=customer_id)[0]["allowedUses"]
        return ConsentRecorded(consent_id, list(uses or []), dropped, left)

    return db.write_tx(work)


def consent_history(db: Database, customer_id: str) -> dict[str, Any]:
    """Every consent record of the customer (newest first) and what they allow now."""
    rows = db.read(queries.consent.stream_consents, id=customer_id)
    if not rows:
        raise NotFound(f"no customer {customer_id!r}")
    return {"allowedUses": rows[0]["allowedUses"] or DEFAULT_USES, "history": rows[0]["history"]}
