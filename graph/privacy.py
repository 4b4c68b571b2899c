"""Data-subject rights: export everything held about a customer, and erase them completely.

Erasure removes the customer and everything that is theirs alone (orders and their lines,
reviews, shares, consents, devices no one else uses, behaviour events, tags and their history
(``HAD_TAG``), memberships, similarity and identity links, and their Contact records), scrubs
their id, email and phone from
what others' tags say about them, recomputes what was derived from them (the size and profile of
their communities, the identity groups of their linked records, the tags of their social
neighbours) and adds them to the suppression list, so a later load skips their rows. Linked
records of the same person are listed, and erased too with ``with_linked``. The audit trail names
the person by a keyed hash only (:mod:`ckg.graph.suppression`).

What erasure cannot reach: backups of the database, the source files a load read, quarantine
files written before the erasure, and logs outside the graph (docs/privacy.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ckg.graph import consent
from ckg.graph.db import Database, TxRunner
from ckg.graph.errors import NotFound
from ckg.graph.queries import queries
from ckg.graph.suppression import privacy_key, subject_key
from ckg.graph.tags.algorithm_families import AlgorithmRun, wcc_identity
from ckg.graph.tags.refresh import data_end, refresh, replace_family_tags


@dataclass
class Erasure:
    """What an erasure did."""

    erased: list[str] = field(default_factory=list)
    deleted_nodes: int = 0
    linked_kept: list[str] = field(default_factory=list)  # same-person records not erased (no with_linked)
    recomputed_customers: int = 0
    communities_updated: int = 0


def audit_subject(db: Database, customer_id: str) -> str:
    """How the audit trail and the suppression list name a customer (a keyed hash, never the id)."""
    return subject_key(privacy_key(db.settings), customer_id)


def record_audit(db: Database, actor: str, action: str, customer_id: str, detail: str = "") -> None:
    db.write(queries.privacy.record_audit, actor=actor, action=action, subjectHash=audit_subject(db, customer_id),
             detail=detail)


def export_customer(db: Database, customer_id: str, actor: str) -> dict[str, Any]:
    """Everything held about the person (right of access) as one JSON-ready document; audited."""
    rows = db.read(queries.privacy.export_customer, id=customer_id)
    if not rows:
        raise NotFound(f"no customer {customer_id!r}")
    document = dict(rows[0])
    document["consents"] = consent.consent_history(db, customer_id)
    document["audit"] = audit_entries(db, customer_id=customer_id)
    record_audit(db, actor, "export", customer_id)
    plain: dict[str, Any] = _plain(document)
    return plain


def _plain(value: Any) -> Any:
    """JSON-ready: Neo4j temporal values (and anything else unusual) become ISO strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    iso = getattr(value, "iso_format", None)
    return iso() if callable(iso) else str(value)


def audit_entries(db: Database, *, customer_id: str | None = None, since: str | None = None,
                  limit: int = 1000) -> list[dict[str, Any]]:
    """Audit entries, newest first: all, or those about one customer, since a time."""
    subject = audit_subject(db, customer_id) if customer_id is not None else None
    return db.read(queries.privacy.list_audit, subjectHash=subject, since=since, limit=limit)


def erase_customer(db: Database, customer_id: str, actor: str, *, with_linked: bool = False) -> Erasure:
    """Erase a customer (and, with ``with_linked``, their same-person records) completely."""
    first = _scope(db, customer_id)
    if first is None:
        raise NotFound(f"no customer {customer_id!r}")
    targets = [customer_id] + (sorted(first["linked"]) if with_linked else [])
    scopes = [first] + [s for t in targets[1:] if (s := _scope(db, t)) is not None]
    erased_ids = {s["id"] for s in scopes}
    needles = sorted({x for s in scopes for x in [s["id"], *s["identifiers"]]})
    affected = sorted({x for s in scopes for x in [*s["linked"], *s["neighbours"]]} - erased_ids)
    communities = sorted({k for s in scopes for k in s["communities"]})
    key = privacy_key(db.settings)

    def work(tx: TxRunner) -> int:
        deleted = 0
        for s in scopes:
            owned = tx.run(queries.privacy.erase_customer_owned, id=s["id"])
            node = tx.run(queries.privacy.erase_customer_node, id=s["id"])
            deleted += (int(owned[0]["deleted"]) if owned else 0) + int(node[0]["deleted"] if node else 0)
            subject = subject_key(key, s["id"])
            tx.run(queries.privacy.add_suppression, key=subject)
            tx.run(queries.privacy.record_audit, actor=actor, action="erase", subjectHash=subject,
                   detail=f"{deleted} nodes")
        return deleted

    result = Erasure(erased=sorted(erased_ids), deleted_nodes=db.write_tx(work),
                     linked_kept=sorted(set(first["linked"]) - erased_ids))
    result.recomputed_customers, result.communities_updated = _recompute(db, affected, communities, needles)
    return result


def _scope(db: Database, customer_id: str) -> dict[str, Any] | None:
    rows = db.read(queries.privacy.find_erasure_scope, id=customer_id)
    return rows[0] if rows else None


def _recompute(db: Database, affected: list[str], communities: list[str], needles: list[str]) -> tuple[int, int]:
    """Re-derive what the erased people fed: identity groups, neighbours' tags, community profiles.

    The remaining records of an identity group are regrouped among themselves (networkx: they are
    few); their SIMILAR_TO links to the erased person went with the node.
    """
    now = data_end(db)
    if affected:
        rows = wcc_identity(AlgorithmRun(db, "networkx", now), affected)
        replace_family_tags(db, "duplicate_identity", affected, rows, now, "algorithm:wcc_identity:networkx")
        refresh(db, customers=affected, as_of=now)
        db.write(queries.privacy.scrub_evidence, ids=affected, needles=needles)
    updated = 0
    if communities:
        updated = int(db.write(queries.algorithms.update_community_profiles, kind=None, ids=communities)[0]
                      ["communities"])
        db.write(queries.privacy.delete_empty_communities, ids=communities)
    return len(affected), updated
