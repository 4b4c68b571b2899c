"""Identity decisions people make: say two records are not the same person, see why they are.

Links between records come from :mod:`ckg.graph.algorithms.identity` at each full refresh. A
"not the same" decision is a ``NOT_SAME_PERSON`` relationship between the two records; every
later resolution respects it, and the records' person is regrouped at once, so the decision
shows without waiting for a refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ckg.graph.changes import portraits_changed
from ckg.graph.db import Database
from ckg.graph.errors import InputError, NotFound
from ckg.graph.queries import queries
from ckg.graph.tags.algorithm_families import AlgorithmRun, wcc_identity
from ckg.graph.tags.refresh import data_end, replace_family_tags


@dataclass(frozen=True)
class Unlinked:
    a: str
    b: str
    regrouped: list[str]  # the records whose person was recomputed
    linked_a: list[str]  # the records still linked to a, afterwards
    linked_b: list[str]


def identity_group(db: Database, customer_id: str) -> dict[str, Any]:
    """A record's person: linked records, each link's confidence and evidence, "not the same" decisions."""
    rows = db.read(queries.identity.find_identity_group, id=customer_id)
    if not rows:
        raise NotFound(f"no customer {customer_id!r}")
    return dict(rows[0])


def unlink(db: Database, a: str, b: str, *, by: str, reason: str = "") -> Unlinked:
    """Record that ``a`` and ``b`` are not the same person and regroup their records now."""
    if a == b:
        raise InputError("unlink needs two different records")
    first, second = sorted((a, b))
    if not db.write(queries.identity.record_not_same, a=first, b=second, by=by, reason=reason):
        missing = [x for x in (first, second) if not db.read(queries.identity.find_identity_group, id=x)]
        raise NotFound(f"no customer {', '.join(repr(x) for x in missing)}")
    records = sorted({first, second, *identity_group(db, first)["members"], *identity_group(db, second)["members"]})
    now = data_end(db)
    rows = wcc_identity(AlgorithmRun(db, "networkx", now), records)
    replace_family_tags(db, "duplicate_identity", records, rows, now, "algorithm:wcc_identity:networkx")
    portraits_changed(db, records)  # every API worker's caches and subscriptions see the regrouping
    return Unlinked(first, second, records, sorted(identity_group(db, first)["members"]),
                    sorted(identity_group(db, second)["members"]))
