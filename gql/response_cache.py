"""Whole answers to portrait queries, served again without running GraphQL while they are current.

Front-ends ask for the same portrait document again and again, with another customer id. Executing
it (parse and validation are cached already: :mod:`ckg.gql.document_cache`) resolves some 200 fields
in Python, most of a warm request's time. This cache keeps the encoded answer of such a request and
serves it again, under the same promise as the portrait cache (:mod:`ckg.graph.portrait_cache`):

- **Only portrait reads.** A document qualifies when its one operation is a query whose one root
  field is ``portrait(customerId)`` (no ``asOf``) and every field under it is filled from that
  portrait read (:data:`FROM_PORTRAIT`: the customer's own fields, tags, dimensions, communities),
  with no fragments and no directives. Anything that reads more (similar customers, orders,
  members) runs as usual.
- **Never older than the request.** Before an answer is served again, the customer's fields and
  portrait version are read from Neo4j, after the request arrived (:class:`HeadReader`: one round
  trip for all the requests waiting at that moment) and compared with those the answer was built
  from. Any write that changes a portrait moves its version (:mod:`ckg.graph.changes`), in
  whichever worker or CLI it happened; a customer who is gone is never served.
- **Per role and per media type**, keyed by a digest of the query text, operation name, the
  variables the operation declares, role and media type: a role that may not read PII or sensitive
  tags never gets an answer built for one that may. A document is looked at only when it is short
  enough for the cost limiter (:data:`ckg.gql.limits.MAX_QUERY_CHARS`, :data:`MAX_TOKENS`).
- **Reads are still audited**: the audit entries the first execution wrote (sensitive tags, PII)
  are written again, in the name of the token that asks now.
- **Bounded**: at most ``max_bytes`` (``CKG_API_ANSWER_CACHE_MB``), each answer counted with its
  bookkeeping (:data:`ckg.gql.answer_store.ENTRY_OVERHEAD`), each re-built ``max_age`` seconds after
  its portrait's tags were read: the bound the portrait cache also gives for writes that move no
  version (another member's consent changing the size of a community shown).
- **Kept in the worker, or for the host** (:mod:`ckg.gql.answer_store`): ``ckg serve`` gives its
  workers one shared store, so an answer one worker built is served by all; the check above is the
  same whoever built it.
- A consent change is seen even if the version move after it failed: the customer's
  ``allowedUses`` is one of the fields compared.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    get_named_type,
    parse,
)

from ckg.gql.answer_store import Answer, AnswerStore, MemoryAnswers
from ckg.gql.limits import MAX_QUERY_CHARS, MAX_TOKENS
from ckg.graph.async_db import AsyncDatabase
from ckg.graph.portrait import PortraitHead, portrait_heads
from ckg.graph.portrait_cache import MAX_AGE_SECONDS

#: Fields whose values come from the one portrait read, by type; ``__typename`` anywhere.
FROM_PORTRAIT: dict[str, frozenset[str]] = {
    "Query": frozenset({"portrait"}),
    "Portrait": frozenset({"customer", "dimensions", "pAlive", "expectedPurchases90d"}),
    "PortraitDimension": frozenset({"name", "tags"}),
    "Customer": frozenset({"id", "country", "city", "pAlive", "expectedPurchases90d", "name", "email", "phone",
                           "tags", "community"}),
    "Tag": frozenset({"name", "dimension", "weight", "confidence", "computedAt", "description", "source",
                      "sensitive"}),
    "Community": frozenset({"id", "kind", "size", "algorithm", "dominantInterests"}),
}
#: Arguments a field may take and still be answered from the portrait read.
ARGUMENTS: dict[tuple[str, str], frozenset[str]] = {
    ("Query", "portrait"): frozenset({"customerId"}),
    ("Customer", "tags"): frozenset({"dimension"}),
}
MAX_BYTES = 128 * 1024 * 1024
MAX_DOCUMENTS = 256


@dataclass(frozen=True)
class Plan:
    """A request that may be answered from the cache: its key and the customer it reads."""

    key: bytes  # a digest of query text, operation name, declared variables, role and media type
    customer_id: str


@dataclass
class Capture:
    """What running a cacheable request read and audited, filled in by the resolvers."""

    plan: Plan
    cache: ResponseCache
    head: PortraitHead | None = None
    #: When the portrait's tags were read (the portrait cache's clock), if known.
    read_at: float | None = None
    audits: list[tuple[str, str]] = field(default_factory=list)

    def keep(self, body: bytes) -> None:
        """The request's answer, encoded: kept when the request read its portrait."""
        self.cache.store_answer(self, body)


_capture: contextvars.ContextVar[Capture | None] = contextvars.ContextVar("ckg_response_capture", default=None)


def capturing() -> Capture | None:
    """The capture of the request being run, when its answer may be cached (else None)."""
    return _capture.get()


def _customer_argument(document: DocumentNode, schema: GraphQLSchema,
                       operation_name: str | None) -> tuple[str, frozenset[str]] | None:
    """``$name`` (a variable) or the literal id the one ``portrait`` field reads, and the variables the
    operation declares, when every field of the document comes from that read; None when the
    document does not qualify."""
    if len(document.definitions) != 1 or not isinstance(document.definitions[0], OperationDefinitionNode):
        return None
    operation = document.definitions[0]
    if operation.operation != OperationType.QUERY or operation.directives \
            or (operation_name is not None and (operation.name is None or operation.name.value != operation_name)):
        return None
    roots = operation.selection_set.selections
    if len(roots) != 1 or not isinstance(roots[0], FieldNode) or roots[0].name.value != "portrait":
        return None
    argument = next((a.value for a in roots[0].arguments or () if a.name.value == "customerId"), None)
    if isinstance(argument, VariableNode):
        target = "$" + argument.name.value
    elif isinstance(argument, StringValueNode):
        target = argument.value
    else:
        return None
    query_type = schema.query_type
    if query_type is None or not _from_portrait(query_type.name, operation.selection_set, schema):
        return None
    return target, frozenset(v.variable.name.value for v in operation.variable_definitions or ())


def _from_portrait(type_name: str, selection_set: SelectionSetNode, schema: GraphQLSchema) -> bool:
    parent = schema.get_type(type_name)
    fields = getattr(parent, "fields", None)
    allowed = FROM_PORTRAIT.get(type_name)
    if fields is None or allowed is None:
        return False
    for selection in selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives:
            return False  # fragments and @skip/@include: not worth the analysis
        name = selection.name.value
        if name == "__typename":
            continue
        if name not in allowed or name not in fields:
            return False
        if any(a.name.value not in ARGUMENTS.get((type_name, name), frozenset()) for a in selection.arguments or ()):
            return False
        if selection.selection_set is not None and not _from_portrait(
                get_named_type(fields[name].type).name, selection.selection_set, schema):
            return False
    return True


class HeadReader:
    """Portrait heads for many requests in one round trip, each read sent after its request came.

    The requests that arrive while a read is in flight wait for the next one, which starts when it
    returns: one round trip at a time per worker, however many requests are waiting."""

    def __init__(self, db: AsyncDatabase) -> None:
        self.db = db
        self._waiting: dict[str, list[asyncio.Future[PortraitHead | None]]] = {}
        self._task: asyncio.Task[None] | None = None

    async def head(self, customer_id: str) -> PortraitHead | None:
        future: asyncio.Future[PortraitHead | None] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(customer_id, []).append(future)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._read(), name="ckg-portrait-heads")
        return await future

    async def _read(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, {}
                try:
                    heads = await portrait_heads(self.db, list(batch))
                except Exception as exc:  # every waiter of this read learns why; the next read goes on
                    _settle(batch, exc)
                    continue
                except BaseException:
                    _settle(batch, None)
                    raise
                for cid, futures in batch.items():
                    for f in futures:
                        if not f.done():
                            f.set_result(heads.get(cid))
        finally:
            # Cancelled (the worker stops): those who came during the last read must not wait forever.
            stranded, self._waiting = self._waiting, {}
            _settle(stranded, None)


def _settle(waiting: dict[str, list[asyncio.Future[PortraitHead | None]]], error: Exception | None) -> None:
    """Fail every waiting future with ``error``, or cancel it when there is none."""
    for futures in waiting.values():
        for f in futures:
            if not f.done():
                if error is None:
                    f.cancel()
                else:
                    f.set_exception(error)


class ResponseCache:
    def __init__(self, db: AsyncDatabase, schema: GraphQLSchema, max_bytes: int = MAX_BYTES,
                 max_age: float = MAX_AGE_SECONDS,
                 clock: Callable[[], float] = time.monotonic,
                 on_result: Callable[[bool], None] | None = None, store: AnswerStore | None = None) -> None:
        """``on_result``: told of every lookup of a cacheable request, True for a hit. ``clock`` must be
        the portrait cache's (the age of an answer counts from when its portrait was read). ``store``:
        where answers are kept (:mod:`ckg.gql.answer_store`); by default in this process, ``max_bytes``."""
        self.schema = schema
        self.store: AnswerStore = store if store is not None else MemoryAnswers(max_bytes)
        self.max_age = max_age
        self.heads = HeadReader(db)
        self._clock = clock
        self._on_result = on_result or (lambda hit: None)
        self._documents: OrderedDict[tuple[str | None, str], tuple[str, frozenset[str]] | None] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return self.store.size()[0]

    @property
    def held_bytes(self) -> int:
        """Bytes the answers take, with their bookkeeping."""
        return self.store.size()[1]

    def plan(self, body: bytes, role: str, media: str) -> Plan | None:
        """The request's plan when its answer may come from (or go to) the cache, else None."""
        if b"portrait" not in body:  # most other requests are not even decoded here
            return None
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(payload, dict):
            return None
        query, name, variables = payload.get("query"), payload.get("operationName"), payload.get("variables")
        if not isinstance(query, str) or not (name is None or isinstance(name, str)) \
                or not (variables is None or isinstance(variables, dict)) or payload.keys() - {
                    "query", "operationName", "variables"}:
            return None
        if len(query) > MAX_QUERY_CHARS:  # the cost limiter refuses it when it runs
            return None
        shape = self._shape(query, name)
        if shape is None:
            return None
        target, declared = shape
        variables = variables or {}
        customer = variables.get(target[1:]) if target.startswith("$") else target
        if not isinstance(customer, str):
            return None
        try:  # variables the operation does not declare change nothing (GraphQL ignores them)
            used = orjson.dumps({k: v for k, v in variables.items() if k in declared}, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            return None
        key = hashlib.sha256(orjson.dumps([query, name, role, media]) + b"\0" + used).digest()
        return Plan(key, customer)

    def _shape(self, query: str, operation_name: str | None) -> tuple[str, frozenset[str]] | None:
        doc_key = (operation_name, query)
        if doc_key in self._documents:
            self._documents.move_to_end(doc_key)
            return self._documents[doc_key]
        try:
            shape = _customer_argument(parse(query, no_location=True, max_tokens=MAX_TOKENS), self.schema,
                                       operation_name)
        except (GraphQLError, RecursionError):
            shape = None
        self._documents[doc_key] = shape
        while len(self._documents) > MAX_DOCUMENTS:
            self._documents.popitem(last=False)
        return shape

    async def lookup(self, plan: Plan) -> Answer | None:
        """The cached answer when it is still what running the request now would give."""
        entry = self.store.get(plan.key)
        if entry is not None and self._clock() - entry.stored > self.max_age:
            self.store.drop(plan.key)
            entry = None
        if entry is None:
            self._count(False)
            return None
        head = await self.heads.head(plan.customer_id)
        if head is None:  # gone: nothing of theirs is kept a moment longer
            self.store.drop_customer(plan.customer_id)
        if head is None or head.version != entry.head.version or head.customer != entry.head.customer:
            current = self.store.get(plan.key)  # unless the answer was rebuilt while the head was read
            if current is not None and current.stored == entry.stored and current.head == entry.head:
                self.store.drop(plan.key)
            self._count(False)
            return None
        self._count(True)
        return entry

    def store_answer(self, capture: Capture, body: bytes) -> None:
        if capture.head is None:
            return
        # Its age counts from when the portrait's tags were read, which may be before this request.
        stored = capture.read_at if capture.read_at is not None else self._clock()
        self.store.put(capture.plan.key,
                       Answer(capture.plan.customer_id, body, capture.head, list(capture.audits), stored))

    def invalidate(self, customer_id: str) -> None:
        self.store.drop_customer(customer_id)

    def clear(self) -> None:
        self.store.clear()

    def _count(self, hit: bool) -> None:
        if hit:
            self.hits += 1
        else:
            self.misses += 1
        self._on_result(hit)


def start_capture(plan: Plan, cache: ResponseCache) -> contextvars.Token[Capture | None]:
    """Capture what running this request reads and audits, until :func:`end_capture`."""
    return _capture.set(Capture(plan, cache))


def end_capture(token: contextvars.Token[Capture | None]) -> None:
    _capture.reset(token)


def answered(response_data: Any) -> bool:
    """A result worth keeping: data with a portrait and no error."""
    return isinstance(response_data, dict) and not response_data.get("errors") \
        and isinstance(response_data.get("data"), dict) and any(
            v is not None for v in response_data["data"].values())
