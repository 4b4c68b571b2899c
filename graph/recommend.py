"""Product recommendations for a customer, each with the reasons it was chosen."""

from __future__ import annotations

from dataclasses import dataclass, field

from ckg.graph.db import Database
from ckg.graph.queries import queries

#: (reason shown to users, query under cypher/api, weight of that signal)
SOURCES = (("co-purchase", "recommend_copurchase", 1.0), ("similar customers", "recommend_similar", 0.8),
           ("community", "recommend_community", 0.6))


@dataclass
class Recommendation:
    sku: str
    name: str
    price: float
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


def recommend(db: Database, customer_id: str, first: int = 10) -> list[Recommendation]:
    """Blend co-purchase, similar-customer and community signals; each source's scores are scaled to [0, 1]."""
    merged: dict[str, Recommendation] = {}
    for reason, query, weight in SOURCES:
        rows = db.read(queries.get(f"api/{query}"), id=customer_id, limit=first * 3)
        top = max((float(r["score"]) for r in rows), default=1.0) or 1.0
        for row in rows:
            rec = merged.setdefault(row["sku"], Recommendation(row["sku"], row["name"], float(row["price"])))
            rec.score += weight * float(row["score"]) / top
            rec.reasons.append(reason)
    ranked = sorted(merged.values(), key=lambda rec: (-rec.score, rec.sku))[:first]
    for rec in ranked:
        rec.score = round(rec.score, 4)
    return ranked
