"""Why a customer or enterprise carries a tag: the stored evidence and its provenance."""

from __future__ import annotations

from typing import Any

from ckg.graph.db import Database
from ckg.graph.errors import NotFound
from ckg.graph.queries import queries
from ckg.graph.tags.catalogue import family_of


def explain(db: Database, subject_id: str, tag: str) -> dict[str, Any]:
    """Evidence for ``tag`` on a customer (or an enterprise); :class:`NotFound` when it is not held."""
    try:
        fam = family_of(tag)
    except KeyError:
        raise NotFound(f"no tag family for {tag!r}; `ckg tags list` shows them") from None
    query = (queries.tags.explain_enterprise_tag if fam.applies_to == "Enterprise"
             else queries.tags.explain_customer_tag)
    rows = db.read(query, id=subject_id, tag=tag)
    if not rows:
        raise NotFound(f"{subject_id} does not carry the tag {tag!r}")
    return {**rows[0], "derivation": fam.derivation, "weightRule": fam.weight_rule, "inputs": list(fam.inputs)}


def tags_in_use(db: Database) -> list[dict[str, Any]]:
    """Distinct tags and assignments per dimension."""
    return db.read(queries.tags.count_tags_in_use)


def tags_held(db: Database, include_sensitive: bool) -> list[dict[str, Any]]:
    """Every tag someone holds, with its family, dimension and number of holders."""
    return db.read(queries.api.list_tags_in_use, includeSensitive=include_sensitive)
