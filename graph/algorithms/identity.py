"""Identity resolution: evidence-weighted links between customer records, grouped into persons.

Candidates are pairs of records that share a normalised email (trimmed, lower-cased), a
similar email (the same domain, local parts one typing error apart), a normalised phone (digits
only) or a device (``cypher/algorithms/identity_pairs.cypher``, the one home of the pattern,
streamed by both engines). Each candidate is weighed here, in log-odds points: a shared email
says most, then a shared phone (recycled numbers, family lines), a similar email (a typo, or
another person's address) and a personal device (households, shop tablets are not personal: no
weight); the names support (identical, or one typing slip apart) or contradict (another first or
last name, or a first name that looks alike but is another name: Maria and Mario).

What may carry a link (:attr:`Link.linkable`), whatever the points: names that contradict never
link; a name one typing slip apart links only with the same email or the same phone; a similar
email or a personal device links only with identical full names (case, accents, spacing
ignored); a device shared by more than :data:`MAX_PERSONAL_DEVICE` records never counts.
Links whose confidence reaches :data:`LINK_THRESHOLD` are kept, except pairs someone declared
"not the same" (``ckg identity unlink``); the kept links are grouped by connected components
(GDS WCC or networkx), and a group holding a declared pair is cut between them (minimum cut on
link confidence). Every link carries its evidence, so each merge can be explained.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx

from ckg.graph.algorithms.engine import Engine
from ckg.graph.algorithms.gds import projected
from ckg.graph.db import Database
from ckg.graph.queries import queries

#: Log-odds points of each kind of evidence (a logistic turns their sum into a confidence).
PRIOR = -3.0
EMAIL_POINTS = 4.0
#: Two emails of one domain whose local parts are one typing error apart (:func:`similar_emails`).
SIMILAR_EMAIL_POINTS = 2.5
PHONE_POINTS = 3.0
DEVICE_POINTS = 2.0
#: Name evidence, compared once case, accents, spacing and punctuation are ignored
#: (:func:`name_agreement`): the same first and last name supports most, one typing slip in one of
#: them a little less, and another first or last name contradicts: a relative shares the surname,
#: the device and often the email or the phone, never the first name. A first name one letter
#: away from the other that is likely another name (:func:`first_name_difference`: Maria and
#: Mario, Jan and Jon, Elena and Helena) contradicts as much.
SAME_NAME_POINTS = 3.0
NAME_SLIP_POINTS = 2.0
OTHER_NAME_POINTS = -6.0
#: A slip that adds or drops a letter is forgiven only between words this long or longer: in a
#: short name it usually makes another name (Ana, Hana; Lena, Elena). Swapped or changed letters
#: are forgiven at any length in a last name.
SLIP_MIN_LENGTH = 5
#: A first name this short or shorter has no typos, only other names: one letter changed, added,
#: dropped or swapped in a short first name makes another common name too often (Jan, Jon; Ana,
#: Anna; Mia, Mai).
SHORT_FIRST_NAME = 4
#: Letters whose change, addition or removal at the end of a first name makes its other form
#: (gendered and variant endings: Maria/Mario, Francesco/Francesca, Daniel/Daniela, Louis/Louise).
VOWELS = "aeiouy"
#: A link is kept when its confidence reaches this. Chosen on the development seeds
#: (``python -m bench accuracy``), never on held-out ones.
LINK_THRESHOLD = 0.7
#: An identifier shared by more records than this is not personal (a switchboard, a shop
#: kiosk, a placeholder email): it yields no candidates.
MAX_SHARED = 20
#: A device is personal evidence only when it holds this many records or fewer (all of its
#: records, not only those being regrouped): a person's own phone or laptop carries their record
#: and a re-registration or two; a device with more is shared (a family tablet, a shop kiosk),
#: where an identical name is as likely a namesake as the same person. Its pairs come as
#: ``shared_device`` and weigh nothing.
MAX_PERSONAL_DEVICE = 3
#: Evidence that may carry a link with a name one typing slip apart: the same email or phone.
STRONG_KINDS = frozenset({"email", "phone"})
#: Evidence that links only with identical full names: a similar email, a personal device.
WEAK_KINDS = frozenset({"similar_email", "device"})
#: The shortest local part (before the @) a similar email is considered for: "ann@" and "anna@"
#: are one letter apart and rarely one person.
SIMILAR_EMAIL_MIN_LOCAL = 6
#: Customers per read of the similar-email candidates (:func:`key_parts`): at a million customers
#: one read of all keys passed the 4.2 GiB a transaction may use with a 6 GiB heap.
CUSTOMERS_PER_KEY_PART = 100_000


@dataclass(frozen=True)
class Link:
    """A weighed pair of records (``a < b``): its confidence and the evidence behind it."""

    a: str
    b: str
    confidence: float
    via: tuple[str, ...]
    evidence: tuple[str, ...]
    names: NameAgreement | None = None  # :func:`name_agreement` of the two records' names
    identical_names: bool = False  # the full names equal once case, accents and spacing are ignored

    @property
    def refusal(self) -> str | None:
        """Why this pair may not be linked whatever its confidence, or None when it may be."""
        kinds = set(self.via)
        if self.names == "other":
            return "the names contradict (another first or last name)"
        if self.names == "variant":
            return "the names contradict (first names one letter apart that are two names)"
        if kinds & STRONG_KINDS:
            return None
        if self.names == "slip":
            return "a name one typing slip apart links only with the same email or phone"
        if kinds & WEAK_KINDS:
            return None if self.identical_names else \
                "a similar email or a device links only with identical full names"
        if "shared_device" in kinds:
            return f"a device shared by more than {MAX_PERSONAL_DEVICE} records is not personal"
        return "no evidence that may carry a link"

    @property
    def linkable(self) -> bool:
        """Evidence that may carry a link (:attr:`refusal` says why not)."""
        return self.refusal is None

    def accepted_at(self, threshold: float) -> bool:
        return self.confidence >= threshold and self.linkable

    @property
    def accepted(self) -> bool:
        return self.accepted_at(LINK_THRESHOLD)


@dataclass
class Resolution:
    """Persons with two or more records (canonical = smallest id -> members) and their links."""

    groups: dict[str, list[str]] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)  # the accepted links inside the groups


def normalise_email(value: str) -> str:
    return value.strip().lower()


def normalise_phone(value: str) -> str:
    return re.sub(r"\D", "", value)


def similar_emails(x: str | None, y: str | None) -> bool:
    """Two different normalised emails of one domain whose local parts are one edit apart (a letter
    changed, added, dropped or two swapped) with the same digits and at least
    :data:`SIMILAR_EMAIL_MIN_LOCAL` characters: a typing error, while ``jo.smith1`` and
    ``jo.smith2`` are numbered accounts, often of different people."""
    if not x or not y:
        return False
    local_x, at_x, domain_x = normalise_email(x).rpartition("@")
    local_y, at_y, domain_y = normalise_email(y).rpartition("@")
    return (bool(at_x and at_y) and domain_x == domain_y and local_x != local_y
            and min(len(local_x), len(local_y)) >= SIMILAR_EMAIL_MIN_LOCAL
            and re.sub(r"\D", "", local_x) == re.sub(r"\D", "", local_y) and _one_edit_apart(local_x, local_y))


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


def _slip(a: str, b: str) -> bool:
    """One typing slip apart: two neighbouring letters swapped or one changed, or, between words of
    :data:`SLIP_MIN_LENGTH` letters or more, one added or dropped."""
    if a == b or not _one_edit_apart(a, b):
        return False
    return len(a) == len(b) or min(len(a), len(b)) >= SLIP_MIN_LENGTH


def _swapped(a: str, b: str) -> bool:
    """Two different neighbouring letters swapped, nothing else."""
    diff = [i for i in range(len(a)) if a[i] != b[i]] if len(a) == len(b) else []
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


FirstNameDifference = Literal["slip", "variant", "other"]


def first_name_difference(a: str, b: str) -> FirstNameDifference:
    """How two different (normalised) first names differ: a typing ``slip``, a ``variant`` (one
    letter apart but likely another name) or ``other``.

    A first name is what tells relatives apart, and a letter changed, added or dropped is how one
    given name becomes another, so one letter apart is a variant when: either name has
    :data:`SHORT_FIRST_NAME` letters or fewer (Jan/Jon, Ana/Hana); only the ending's vowels differ
    (Maria/Mario, Francesco/Francesca, Daniel/Daniela); or the first letter differs
    (Elena/Helena, Ellen/Allen: typing errors are rarest in the first letter). Two neighbouring
    letters swapped (a keyboard slip: Mraia, Kenij) stays a slip in a longer name, as does a letter
    changed, added or dropped inside one (Sofia/Sofja).
    """
    if a == b:
        raise ValueError("the same first name")
    if not _one_edit_apart(a, b):
        return "other"
    if min(len(a), len(b)) <= SHORT_FIRST_NAME:
        return "variant"
    if _swapped(a, b):
        return "slip"
    if a[0] != b[0] or a.rstrip(VOWELS) == b.rstrip(VOWELS):
        return "variant"
    return "slip"


def _tokens(name: str) -> list[str]:
    """Lower-cased words of a name, accents removed (José -> jose)."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return re.findall(r"[^\W\d_]+", plain.lower())


def identical_names(a: str | None, b: str | None) -> bool:
    """The same full name once case, accents, spacing and punctuation are ignored (Mary-Ann Lee,
    maryann LEE); False when either is missing."""
    ta, tb = _tokens(a or ""), _tokens(b or "")
    return bool(ta) and "".join(ta) == "".join(tb)


NameAgreement = Literal["same", "slip", "variant", "other"]


def name_agreement(a: str | None, b: str | None) -> NameAgreement | None:
    """How two person names agree: the ``same`` first and last name, one typing ``slip`` in one of
    them, a ``variant`` first name (one letter apart but likely another name:
    :func:`first_name_difference`), or ``other`` (another first or last name, or slips in both);
    ``None`` when either is missing.

    Case, accents, spacing and punctuation are ignored; a one-word name is compared with the
    other's first word.
    """
    ta, tb = _tokens(a or ""), _tokens(b or "")
    if not ta or not tb:
        return None
    if "".join(ta) == "".join(tb):
        return "same"
    first = "same" if ta[0] == tb[0] else first_name_difference(ta[0], tb[0])
    last = "same"
    if len(ta) > 1 and len(tb) > 1 and ta[-1] != tb[-1]:
        last = "slip" if _slip(ta[-1], tb[-1]) else "other"
    if "other" in (first, last):
        return "other"
    if first == "variant":
        return "variant"
    slips = (first, last).count("slip")
    return "same" if slips == 0 else "slip" if slips == 1 else "other"


_NAME_POINTS: dict[NameAgreement, tuple[float, str]] = {
    "same": (SAME_NAME_POINTS, "the same name"),
    "slip": (NAME_SLIP_POINTS, "the name one typing slip apart"),
    "variant": (OTHER_NAME_POINTS, "another first name that looks alike (a short name, another ending "
                                   "or first letter)"),
    "other": (OTHER_NAME_POINTS, "another first or last name"),
}


_EVIDENCE = (("email", EMAIL_POINTS, "same email (normalised)"),
             ("similar_email", SIMILAR_EMAIL_POINTS, "similar email (same domain, one typing error apart)"),
             ("phone", PHONE_POINTS, "same phone (normalised)"),
             ("device", DEVICE_POINTS, f"same device (personal: at most {MAX_PERSONAL_DEVICE} records)"),
             ("shared_device", 0.0, f"same device, shared by more than {MAX_PERSONAL_DEVICE} records (not personal)"))


def weigh(a: str, b: str, via: Iterable[str], name_a: str | None, name_b: str | None) -> Link:
    """The confidence that records ``a`` and ``b`` are one person, and why.

    ``via``: the kinds of evidence they share (``email``, ``similar_email``, ``phone``, ``device``
    for a personal device, ``shared_device`` for one shared by more than
    :data:`MAX_PERSONAL_DEVICE` records)."""
    kinds = sorted(set(via))
    points = PRIOR
    evidence = []
    for kind, weight, text in _EVIDENCE:
        if kind in kinds:
            points += weight
            evidence.append(f"{text} {weight:+.1f}")
    agreement = name_agreement(name_a, name_b)
    same = identical_names(name_a, name_b)
    if agreement is not None:
        name_points, text = _NAME_POINTS[agreement]
        if agreement == "same" and same:
            text = "the same full name"
        points += name_points
        evidence.append(f"name similarity: {text} {name_points:+.1f}")
    confidence = 1 / (1 + math.exp(-points))
    link = Link(a, b, confidence, tuple(kinds), (), agreement, same)
    refusal = link.refusal
    verdict = ("linked" if link.accepted else f"not linked: {refusal}" if refusal else
               f"not linked: below the threshold {LINK_THRESHOLD}")
    evidence.append(f"prior {PRIOR:+.1f}, confidence {confidence:.2f}, {verdict}")
    return Link(a, b, confidence, tuple(kinds), tuple(evidence), agreement, same)


def key_parts(db: Database, ids: list[str] | None) -> int:
    """Reads the similar-email candidates come in: one per :data:`CUSTOMERS_PER_KEY_PART` customers
    (their blocking keys, about ten an email, are grouped in the server's memory), one for ``ids``."""
    if ids is not None:
        return 1
    customers = int(db.read(queries.algorithms.count_identity_records)[0]["records"])
    return max(1, math.ceil(customers / CUSTOMERS_PER_KEY_PART))


def candidate_links(db: Database, ids: list[str] | None = None) -> list[Link]:
    """Every candidate pair (everyone's, or only among ``ids``), weighed, accepted or not."""
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    names: dict[str, str | None] = {}
    parts = key_parts(db, ids)
    for part in range(parts):
        for r in db.read(queries.algorithms.stream_identity_edges, ids=ids, maxShared=MAX_SHARED,
                         maxPersonalDevice=MAX_PERSONAL_DEVICE, minLocal=SIMILAR_EMAIL_MIN_LOCAL,
                         part=part, parts=parts):
            # the query finds similar emails by a blocking key (one character deleted); confirm them here
            if r["via"] != "similar_email" or similar_emails(r["sourceEmail"], r["targetEmail"]):
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
