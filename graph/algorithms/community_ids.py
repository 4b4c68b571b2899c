"""Lasting community numbers: a community keeps its number while most of its members stay.

Each community found by a run is matched to the previous community it overlaps most; it takes
that community's number when their Jaccard index (shared members over members of either) is at
least :data:`MIN_JACCARD`. Matches are made best first and each previous number is given once, so
a community that splits keeps its number in the larger half at most; any community left unmatched
gets a number never used before (a retired number stays retired, so a segment naming it matches
no one rather than strangers).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

#: Jaccard index from which a new community is the continuation of a previous one (issue 10).
MIN_JACCARD = 0.5


@dataclass(frozen=True)
class Numbering:
    """Customer id -> lasting community number, and the next number never given."""

    members: dict[str, int]
    next_number: int
    kept: int  # communities that kept a previous number
    new: int  # communities that got a new one


def renumber(found: Mapping[str, int], previous: Mapping[str, int], next_number: int) -> Numbering:
    """Give each community of ``found`` (id -> label) a lasting number, from ``previous`` (id -> number).

    ``next_number`` is the first number not yet given (numbers of retired communities included).
    """
    groups: dict[int, list[str]] = defaultdict(list)
    for cid, label in found.items():
        groups[label].append(cid)
    old_sizes = Counter(previous.values())
    candidates: list[tuple[float, int, int, int]] = []  # (-jaccard, -overlap, label, old number)
    for label, members in groups.items():
        overlap = Counter(previous[c] for c in members if c in previous)
        if not overlap:
            continue
        old, shared = max(overlap.items(), key=lambda kv: (kv[1], -kv[0]))
        jaccard = shared / (len(members) + old_sizes[old] - shared)
        if jaccard >= MIN_JACCARD:
            candidates.append((-jaccard, -shared, label, old))
    number: dict[int, int] = {}
    taken: set[int] = set()
    for _, _, label, old in sorted(candidates):
        if old not in taken:
            number[label] = old
            taken.add(old)
    kept = len(number)
    # New numbers in a fixed order (by the community's smallest member id), so a rerun agrees.
    for label in sorted((lb for lb in groups if lb not in number), key=lambda lb: min(groups[lb])):
        number[label] = next_number
        next_number += 1
    return Numbering({cid: number[label] for cid, label in found.items()}, next_number, kept,
                     len(groups) - kept)
