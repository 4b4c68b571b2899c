"""Identity resolution: evidence-weighted links between customer records, grouped into persons.

Candidates are pairs of records that share a normalised email (trimmed, lower-cased), a
normalised phone (digits only) or a device (``cypher/algorithms/identity_pairs.cypher``, the one
home of the pattern, streamed by both engines). Each candidate is weighed here, in log-odds
points: a shared email says more than a shared phone (recycled numbers, family lines), which says
more than a shared device (households, shop tablets); name similarity supports or contradicts.
A shared device never links on its own, nor does any evidence without a shared email or phone.
Links whose confidence reaches :data:`LINK_THRESHOLD` are kept, except pairs someone declared
"not the same" (``ckg identity unlink``); the kept links are grouped by connected components
(GDS WCC or networkx), and a group holding a declared pair is cut between them (minimum cut on
link confidence). Every link carries its evidence, so each merge can be explained.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from ckg.graph.algorithms.engine import Engine
from ckg.graph.algorithms.gds import projected
from ckg.graph.db import Database
from ckg.graph.queries import queries

#: Log-odds points of each kind of evidence (a logistic turns their sum into a confidence).
PRIOR = -3.0
EMAIL_POINTS = 4.0
PHONE_POINTS = 3.0
DEVICE_POINTS = 1.0
#: Name similarity (0..1) adds ``NAME_SLOPE * (s - NAME_NEUTRAL)`` points, within these bounds:
#: a near-identical name (one typo, another case) supports, a different first name (a relative,
#: however alike: Laura and Lucia score 0.8) contradicts.
NAME_NEUTRAL = 0.9
NAME_SLOPE = 40.0
#: A name one edit away (a letter changed, added, dropped or two swapped) scores at least this.
ONE_TYPO_SIMILARITY = 0.95
NAME_POINTS_MAX = 3.0
NAME_POINTS_MIN = -6.0
#: A link is kept when its confidence reaches this. Chosen on the development seeds
#: (``python -m bench accuracy``), never on held-out ones.
LINK_THRESHOLD = 0.7
#: An identifier shared by more records than this is not personal (a switchboard, a shop
#: kiosk, a placeholder email): it yields no candidates.
MAX_SHARED = 20
#: Identifier kinds that can carry a link; a device only supports one of these.
LINKING_KINDS = frozenset({"email", "phone"})


@dataclass(frozen=True)
class Link:
    """A weighed pair of records (``a < b``): its confidence and the evidence behind it."""

    a: str
    b: str
    confidence: float
    via: tuple[str, ...]
    evidence: tuple[str, ...]

    @property
    def accepted(self) -> bool:
        return self.confidence >= LINK_THRESHOLD and bool(LINKING_KINDS & set(self.via))


@dataclass
class Resolution:
    """Persons with two or more records (canonical = smallest id -> members) and their links."""

    groups: dict[str, list[str]] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)  # the accepted links inside the groups


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_phone(value: str) -> str:
    return re.sub(r"\D", "", value)


def _jaro_winkler(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    reach = max(len(a), len(b)) // 2 - 1
    used = [False] * len(b)
    matched_a = []
    for i, ch in enumerate(a):
        for j in range(max(0, i - reach), min(len(b), i + reach + 1)):
            if not used[j] and b[j] == ch:
                used[j] = True
                matched_a.append(ch)
                break
    if not matched_a:
        return 0.0
    matched_b = [b[j] for j in range(len(b)) if used[j]]
    transpositions = sum(x != y for x, y in zip(matched_a, matched_b, strict=True)) / 2
    m = len(matched_a)
    jaro = (m / len(a) + m / len(b) + (m - transpositions) / m) / 3
    prefix = 0
    for x, y in zip(a[:4], b[:4], strict=False):
        if x != y:
            break
        prefix += 1
    return jaro + prefix * 0.1 * (1 - jaro)


def _one_edit_apart(a: str, b: str) -> bool:
    """Optimal string alignment distance <= 1 (a substitution, insertion, deletion or adjacent swap)."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) <= 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _word_similarity(a: str, b: str) -> float:
    jw = _jaro_winkler(a, b)
    return max(jw, ONE_TYPO_SIMILARITY) if a != b and _one_edit_apart(a, b) else jw


def _tokens(name: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", name.lower())


def name_similarity(a: str | None, b: str | None) -> float | None:
    """How alike two person names are (0..1): the weaker of first-name and last-name similarity
    (Jaro-Winkler, and at least :data:`ONE_TYPO_SIMILARITY` one edit apart).

    Case, spacing and punctuation are ignored; ``None`` when either name is missing.
    """
    ta, tb = _tokens(a or ""), _tokens(b or "")
    if not ta or not tb:
        return None
    first = _word_similarity(ta[0], tb[0])
    last = _word_similarity(ta[-1], tb[-1]) if len(ta) > 1 and len(tb) > 1 else first
    return min(first, last)


def weigh(a: str, b: str, via: Iterable[str], name_a: str | None, name_b: str | None) -> Link:
    """The confidence that records ``a`` and ``b`` are one person, and why."""
    kinds = sorted(set(via))
    points = PRIOR
    evidence = []
    for kind, weight in (("email", EMAIL_POINTS), ("phone", PHONE_POINTS), ("device", DEVICE_POINTS)):
        if kind in kinds:
            points += weight
            evidence.append(f"same {kind} (normalised) {weight:+.1f}")
    similarity = name_similarity(name_a, name_b)
    if similarity is not None:
        name_points = max(NAME_POINTS_MIN, min(NAME_POINTS_MAX, NAME_SLOPE * (similarity - NAME_NEUTRAL)))
        points += name_points
        evidence.append(f"name similarity {similarity:.2f} {name_points:+.1f}")
    confidence = 1 / (1 + math.exp(-points))
    link = Link(a, b, confidence, tuple(kinds), ())
    verdict = "linked" if link.accepted else (
        "not linked: a shared device alone never links" if not LINKING_KINDS & set(kinds) else
        f"not linked: below the threshold {LINK_THRESHOLD}")
    evidence.append(f"prior {PRIOR:+.1f}, confidence {confidence:.2f}, {verdict}")
    return Link(a, b, confidence, tuple(kinds), tuple(evidence))


def candidate_links(db: Database, ids: list[str] | None = None) -> list[Link]:
    """Every candidate pair (everyone's, or only among ``ids``), weighed, accepted or not."""
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    names: dict[str, str | None] = {}
    for r in db.read(queries.algorithms.stream_identity_edges, ids=ids, maxShared=MAX_SHARED):
        shared[(r["source"], r["target"])].add(r["via"])
        names[r["source"]], names[r["target"]] = r["sourceName"], r["targetName"]
    return [weigh(a, b, via, names[a], names[b]) for (a, b), via in sorted(shared.items())]


def declared_distinct(db: Database, ids: list[str] | None = None) -> set[tuple[str, str]]:
    """Pairs (``a < b``) someone declared not the same person (``ckg identity unlink``)."""
    return {(r["a"], r["b"]) for r in db.read(queries.identity.stream_not_same, ids=ids)}


def _components(db: Database, engine: Engine, links: list[Link], whole_graph: bool) -> list[set[str]]:
    if engine == "gds" and whole_graph and links:
        pairs = [{"source": k.a, "target": k.b} for k in links]
        with projected(db, queries.algorithms.project_identity, pairs=pairs) as name:
            member_of = {r["id"]: int(r["component"]) for r in db.read(queries.algorithms.stream_wcc, graph=name)}
        groups: dict[int, set[str]] = defaultdict(set)
        for node, comp in member_of.items():
            groups[comp].add(node)
        return list(groups.values())
    g = nx.Graph()
    g.add_edges_from((k.a, k.b) for k in links)
    return [set(c) for c in nx.connected_components(g)]


def _split(group: set[str], links: list[Link], distinct: set[tuple[str, str]]) -> list[set[str]]:
    """Cut a group until no declared-distinct pair stays in one part (minimum cut on confidence)."""
    g = nx.Graph()
    g.add_nodes_from(sorted(group))
    g.add_edges_from((k.a, k.b, {"capacity": k.confidence}) for k in links if k.a in group and k.b in group)
    while True:
        parts = [set(c) for c in nx.connected_components(g)]
        clash = next(((a, b) for a, b in sorted(distinct) for p in parts if a in p and b in p), None)
        if clash is None:
            return parts
        _, (side, _) = nx.minimum_cut(g, clash[0], clash[1])
        g.remove_edges_from([(u, v) for u, v in list(g.edges) if (u in side) != (v in side)])


def resolve(db: Database, engine: Engine, ids: list[str] | None = None) -> Resolution:
    """Group the records of each person (everyone's, or only ``ids``: always networkx, they are few)."""
    distinct = declared_distinct(db, ids)
    accepted = [k for k in candidate_links(db, ids) if k.accepted and (k.a, k.b) not in distinct]
    groups: list[set[str]] = []
    for comp in _components(db, engine, accepted, ids is None):
        groups += _split(comp, accepted, distinct) if any(a in comp and b in comp for a, b in distinct) else [comp]
    result = Resolution()
    person: dict[str, str] = {}
    for members in groups:
        if len(members) > 1:
            canonical = min(members)
            result.groups[canonical] = sorted(members)
            person.update(dict.fromkeys(members, canonical))
    result.links = [k for k in accepted if k.a in person and person[k.a] == person.get(k.b)]
    return result


def components(db: Database, engine: Engine, ids: list[str] | None = None) -> dict[str, list[str]]:
    """Canonical record (smallest id) -> all records of that person, for persons with 2+ records."""
    return resolve(db, engine, ids).groups
