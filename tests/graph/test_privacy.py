"""Erasure removes a person completely; export shows what is held; the audit keeps no id."""

from __future__ import annotations

from pathlib import Path

import pytest

from ckg.graph.db import Database
from ckg.graph.errors import NotFound
from ckg.graph.privacy import erase_customer, export_customer, subject_hash
from ckg.graph.queries import Query
from ckg.graph.tags.refresh import refresh
from ckg.loaders.generator import generate
from ckg.loaders.load import load_dataset


def q(text: str) -> Query:
    return Query("test/inline", text)  # type: ignore[arg-type]


def test_erase_removes_everything_of_the_person(db: Database, tmp_path: Path) -> None:
    generate(200, 3, tmp_path / "d")
    assert load_dataset(db, tmp_path / "d").ok
    refresh(db, only=["interest", "market", "social_community"])
    victim = db.read(q("MATCH (c:Customer)-[:PLACED]->(o) WITH c, count(o) AS n WHERE n >= 2 "
                       "AND EXISTS { (c)-[:HAS_TAG]->() } RETURN c.customerId AS id LIMIT 1"))[0]["id"]
    held = export_customer(db, victim, actor="test")
    assert held["orders"] and held["tags"] and held["customer"]["email"]
    orders = [o["orderId"] for o in held["orders"]]
    erase_customer(db, victim, actor="test")
    assert db.read(q("MATCH (c:Customer {customerId: $id}) RETURN c"), id=victim) == []
    assert db.read(q("MATCH (o:Order) WHERE o.orderId IN $ids RETURN o"), ids=orders) == []
    email = held["customer"]["email"]
    leftovers = db.read(q("MATCH (n) WHERE any(k IN keys(n) WHERE n[k] = $id OR n[k] = $email) "
                          "AND NOT n:AuditEntry RETURN labels(n) AS l"), id=victim, email=email)
    assert leftovers == []
    audit = db.read(q("MATCH (a:AuditEntry {action: 'erase'}) RETURN a.subjectHash AS h, a.detail AS d"))
    assert audit[0]["h"] == subject_hash(victim) and victim not in str(audit)
    with pytest.raises(NotFound):
        erase_customer(db, victim, actor="test")
