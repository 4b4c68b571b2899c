"""B2B purchasing potential: a score from inquiries, orders, size and engagement, then a rank.

Each signal is turned into a percentile rank among all enterprises (robust to scale and outliers),
and the score is their weighted mean. Weights favour demonstrated demand (inquiries, orders) over
firmographics (size) and engagement (contacts, recency).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ckg.graph.ranking import average_ranks

WEIGHTS = {"inquiries": 0.25, "inquiryValue": 0.2, "spend": 0.25, "orders": 0.1, "size": 0.1,
           "contacts": 0.05, "recency": 0.05}


@dataclass(frozen=True)
class Potential:
    id: str
    score: float
    rank: int
    signals: dict[str, float]


def _percentiles(values: list[float]) -> list[float]:
    """Average-rank percentile in [0, 1] (ties share a rank)."""
    top = max(len(values) - 1, 1)
    return [r / top for r in average_ranks(values)]


def score(rows: list[dict[str, Any]]) -> list[Potential]:
    """Score and rank enterprises from ``stream_enterprise_signals`` rows."""
    if not rows:
        return []
    signals = {
        "inquiries": [float(r["inquiries"]) for r in rows],
        "inquiryValue": [math.log1p(float(r["inquiryValue"])) for r in rows],
        "spend": [math.log1p(float(r["spend"])) for r in rows],
        "orders": [float(r["orders"]) for r in rows],
        "size": [math.log1p(float(r["size"])) for r in rows],
        "contacts": [float(r["contacts"]) for r in rows],
        "recency": [-float(r["daysSinceInquiry"]) for r in rows],
    }
    pct = {k: _percentiles(v) for k, v in signals.items()}
    scores = [sum(WEIGHTS[k] * pct[k][i] for k in WEIGHTS) for i in range(len(rows))]
    order = sorted(range(len(rows)), key=lambda i: (-scores[i], rows[i]["id"]))
    rank = {i: n + 1 for n, i in enumerate(order)}
    return [Potential(rows[i]["id"], scores[i], rank[i], {k: signals[k][i] for k in signals})
            for i in range(len(rows))]
