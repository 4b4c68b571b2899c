"""A customer's portrait: their tags grouped by dimension, with propensity figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ckg.graph.tags.catalogue import B2C_DIMENSIONS


@dataclass
class Portrait:
    customer_id: str
    dimensions: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    p_alive: float | None = None
    expected_purchases_90d: float | None = None


def assemble(customer: dict[str, Any], tags: list[dict[str, Any]]) -> Portrait:
    """Group ``tags`` by dimension in catalogue order (dimensions with no tag are left out)."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for t in tags:
        grouped.setdefault(t["dimension"], []).append(t)
    order = list(B2C_DIMENSIONS) + sorted(d for d in grouped if d not in B2C_DIMENSIONS)
    return Portrait(customer["id"], [(d, grouped[d]) for d in order if d in grouped],
                    customer.get("pAlive"), customer.get("expected90d"))
