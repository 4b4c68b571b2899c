"""Segments: a small rule language over tags, evaluated over every customer and materialised.

Grammar (keywords are case-insensitive; values are double-quoted strings)::

    rule      := or
    or        := and ("OR" and)*
    and       := not ("AND" not)*
    not       := "NOT" not | "(" or ")" | predicate
    predicate := tag("name") [">=" number]       the customer holds this tag (with at least that weight)
               | family("name") [">=" number]    any tag of the family, e.g. family("interest")
               | dimension("name") [">=" number] any tag of the dimension
               | country("DE") | community("social-12")

Example: ``tag("high_value") AND (family("interest") >= 0.5 OR country("DE")) AND NOT tag("rfm_segment:lost")``
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ckg.graph.consent import DEFAULT_USES
from ckg.graph.db import Database
from ckg.graph.errors import CkgError
from ckg.graph.identifiers import identifier_problem
from ckg.graph.progress import NoProgress, Progress
from ckg.graph.queries import queries
from ckg.graph.tags.catalogue import BASES, FAMILIES, Basis, TagFamily, family, family_of

PAGE = 5000
_TOKEN = re.compile(r'\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>"(?:[^"\\]|\\.)*")|(?P<op>>=|\(|\))|(?P<word>[A-Za-z_]+))')
PREDICATES = ("tag", "family", "dimension", "country", "community")
MAX_RULE = 2000


class RuleError(CkgError):
    """A segment rule that does not parse; the message says where."""


@dataclass(frozen=True)
class Pred:
    kind: str
    value: str
    min_weight: float | None


@dataclass(frozen=True)
class Not:
    inner: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    parts: tuple[Node, ...]


Node = Pred | Not | BoolOp


def _tokens(rule: str) -> list[tuple[str, str, int]]:
    out, pos = [], 0
    while pos < len(rule):
        if rule[pos:].strip() == "":
            break
        m = _TOKEN.match(rule, pos)
        if not m:
            raise RuleError(f"unexpected character {rule[pos:].lstrip()[:1]!r} at position {pos}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind), m.start(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, rule: str) -> None:
        if len(rule) > MAX_RULE:
            raise RuleError(f"rule longer than {MAX_RULE} characters")
        self.toks = _tokens(rule)
        self.i = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, kind: str, value: str | None = None) -> str:
        tok = self.peek()
        if tok is None:
            raise RuleError(f"rule ends early: expected {value or kind}")
        if tok[0] != kind or (value is not None and tok[1].lower() != value):
            raise RuleError(f"expected {value or kind} at position {tok[2]}, found {tok[1]!r}")
        self.i += 1
        return tok[1]

    def keyword(self, word: str) -> bool:
        tok = self.peek()
        if tok and tok[0] == "word" and tok[1].lower() == word:
            self.i += 1
            return True
        return False

    def parse(self) -> Node:
        node = self.or_()
        if self.peek() is not None:
            tok = self.peek()
            assert tok is not None
            raise RuleError(f"unexpected {tok[1]!r} at position {tok[2]}")
        return node

    def or_(self) -> Node:
        parts = [self.and_()]
        while self.keyword("or"):
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def and_(self) -> Node:
        parts = [self.not_()]
        while self.keyword("and"):
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def not_(self) -> Node:
        if self.keyword("not"):
            return Not(self.not_())
        tok = self.peek()
        if tok and tok[0] == "op" and tok[1] == "(":
            self.i += 1
            node = self.or_()
            self.take("op", ")")
            return node
        return self.predicate()

    def predicate(self) -> Pred:
        tok = self.peek()
        if tok is None or tok[0] != "word" or tok[1].lower() not in PREDICATES:
            where = f"at position {tok[2]}, found {tok[1]!r}" if tok else "at the end"
            raise RuleError(f"expected one of {', '.join(PREDICATES)} {where}")
        self.i += 1
        kind = tok[1].lower()
        self.take("op", "(")
        raw = self.take("str")
        self.take("op", ")")
        value = _unescape(raw[1:-1], tok[2])
        weight = None
        nxt = self.peek()
        if nxt and nxt[0] == "op" and nxt[1] == ">=":
            if kind in ("country", "community"):
                raise RuleError(f"{kind}() takes no weight (position {nxt[2]})")
            self.i += 1
            weight = float(self.take("num"))
        return Pred(kind, value, weight)


_ESCAPE = re.compile(r"\\(.)", re.S)


def _unescape(body: str, position: int) -> str:
    """A quoted value's text: ``\\"`` and ``\\\\`` are the only escapes; any other is a rule error."""
    def one(match: re.Match[str]) -> str:
        if match.group(1) not in ('"', "\\"):
            raise RuleError(f"unknown escape \\{match.group(1)} in the value at position {position}: "
                            'only \\" and \\\\ are escapes')
        return match.group(1)

    return _ESCAPE.sub(one, body)


def sensitive_references(node: Node) -> list[str]:
    """The sensitive tags and families a rule names (only admins may define such a segment)."""
    if isinstance(node, BoolOp):
        return [name for part in node.parts for name in sensitive_references(part)]
    if isinstance(node, Not):
        return sensitive_references(node.inner)
    fam = _named_family(node)
    return [node.value] if fam is not None and fam.sensitive else []


def _named_family(node: Pred) -> TagFamily | None:
    """The catalogue family a ``tag`` or ``family`` predicate names (None: another predicate, or a
    name the catalogue does not know)."""
    if node.kind not in ("tag", "family"):
        return None
    try:
        return family(node.value) if node.kind == "family" else family_of(node.value)
    except KeyError:
        return None


def rule_basis(node: Node) -> Basis:
    """The consent a rule's answer rests on: the strongest basis of what it names (``country``:
    registered; ``community``: profiling; a tag, family or dimension: its families' basis, profiling
    for one the catalogue does not know). A member whose consents stop allowing it leaves the segment
    (``cypher/consent/leave_unconsented_segments.cypher``)."""
    if isinstance(node, BoolOp):
        return max((rule_basis(p) for p in node.parts), key=BASES.index)
    if isinstance(node, Not):
        return rule_basis(node.inner)
    if node.kind == "country":
        return "registered"
    if node.kind == "dimension":
        bases = [f.basis for f in FAMILIES if f.dimension == node.value]
        return max(bases, key=BASES.index) if bases else "profiling"
    fam = _named_family(node)
    return fam.basis if fam is not None else "profiling"


def parse(rule: str) -> Node:
    """Parse a rule or raise :class:`RuleError` naming the position."""
    if not rule.strip():
        raise RuleError("empty rule")
    return _Parser(rule).parse()


def matches(node: Node, facts: dict[str, Any]) -> bool:
    """Evaluate ``node`` on one customer's facts (``tags``: [name, family, dimension, weight], ...)."""
    if isinstance(node, BoolOp):
        results = (matches(p, facts) for p in node.parts)
        return all(results) if node.op == "and" else any(results)
    if isinstance(node, Not):
        return not matches(node.inner, facts)
    if node.kind == "country":
        return bool(facts["country"] == node.value)
    if node.kind == "community":
        return node.value in facts["communities"]
    index = {"tag": 0, "family": 1, "dimension": 2}[node.kind]
    floor = node.min_weight if node.min_weight is not None else 0.0
    return any(t[index] == node.value and (t[3] or 0.0) >= floor for t in facts["tags"] if t[0] is not None)


def check_definition(name: str, rule: str, *, may_use_sensitive: bool) -> Node:
    """Parse and check a segment before anything is stored; :class:`RuleError` says what is wrong."""
    problem = identifier_problem(name)
    if problem:
        raise RuleError(f"segment name {problem}")
    node = parse(rule)
    named = sensitive_references(node)
    if named and not may_use_sensitive:
        raise RuleError(f"the rule names sensitive tags ({', '.join(sorted(set(named)))}): only admins may "
                        "define such a segment")
    return node


def define(db: Database, name: str, rule: str, *, may_use_sensitive: bool = False,
           progress: Progress | None = None) -> int:
    """Check ``rule``, store the segment and (re)compute its members; return the size.

    Members are customers whose consents allow marketing and the rule's basis (:func:`rule_basis`):
    a rule on communities or profiling tags holds only customers who allow profiling, and loses
    those who withdraw it (graph.consent). Sensitive tags are visible to the rule
    only when it names them, which only admins may do; such a segment is marked sensitive and only
    admins see it.
    """
    node = check_definition(name, rule, may_use_sensitive=may_use_sensitive)
    sensitive = bool(sensitive_references(node))
    progress = progress or NoProgress()
    basis = rule_basis(node)
    db.write(queries.api.merge_segment, name=name, rule=rule, sensitive=sensitive, basis=basis)
    db.write(queries.api.clear_segment_members, name=name)
    after, size, pages = "", 0, 0
    progress.start(name, 0)
    while True:
        page = db.read(queries.api.stream_segment_facts, after=after, limit=PAGE, includeSensitive=sensitive,
                       basis=basis, defaultUses=DEFAULT_USES)
        if not page:
            progress.end(name)
            return size
        members = [f["id"] for f in page if matches(node, f)]
        if members:
            db.write(queries.api.add_segment_members, name=name, ids=members)
            size += len(members)
        after = page[-1]["id"]
        pages += 1
        progress.advance(name, pages)


def get(db: Database, name: str, *, include_sensitive: bool = False) -> dict[str, Any] | None:
    """A segment with its size; a sensitive segment only when ``include_sensitive``."""
    rows = db.read(queries.api.get_segment, name=name, includeSensitive=include_sensitive)
    return rows[0] if rows else None
