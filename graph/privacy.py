"""Data-subject rights: export everything held about a customer, and erase them completely.

Erasure removes the customer node and everything that exists only because of them (orders and
their lines, reviews, shares, consents, devices no one else uses, behaviour events, tags,
memberships, similarity and identity links). Shared things stay (products, categories, communities,
a contact record of an enterprise). The audit entry keeps a salted hash of the id, never the id.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ckg.graph.db import Database, TxRunner
from ckg.graph.errors import NotFound
from ckg.graph.queries import queries

AUDIT_SALT = "ckg-audit-v1"


def subject_hash(customer_id: str) -> str:
    return hashlib.sha256(f"{AUDIT_SALT}:{customer_id}".encode()).hexdigest()


def export_customer(db: Database, customer_id: str, actor: str) -> dict[str, Any]:
    rows = db.read(queries.privacy.export_customer, id=customer_id)
    if not rows:
        raise NotFound(f"no customer {customer_id!r}")
    db.write(queries.privacy.record_audit, actor=actor, action="export", subjectHash=subject_hash(customer_id),
             detail="")
    return rows[0]


def erase_customer(db: Database, customer_id: str, actor: str) -> int:
    """Erase one customer in one transaction; return how many nodes were deleted."""

    def work(tx: TxRunner) -> int:
        owned = tx.run(queries.privacy.erase_customer_owned, id=customer_id)
        node = tx.run(queries.privacy.erase_customer_node, id=customer_id)
        if not node or node[0]["deleted"] == 0:
            raise NotFound(f"no customer {customer_id!r}")
        deleted = int(owned[0]["deleted"]) + 1 if owned else 1
        tx.run(queries.privacy.record_audit, actor=actor, action="erase", subjectHash=subject_hash(customer_id),
               detail=f"{deleted} nodes")
        return deleted

    return db.write_tx(work)
