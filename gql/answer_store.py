"""Where whole portrait answers are kept (:mod:`ckg.gql.response_cache`): in the worker, or shared by
every worker on the host.

Each of ``ckg serve``'s workers is a process, and each keep-alive connection stays with the worker
that accepted it. With answers kept per worker, a customer's answer built by one worker is built
again by each of the others; over many customers about half the requests of two workers miss. So
``ckg serve`` gives its workers one :class:`SharedAnswers`: a SQLite file in a fresh private
directory (mode 0700, in ``/dev/shm`` where there is one: memory, not disk), removed when it stops.

The store only keeps answers. Whether one may be served is decided by the response cache, which
compares the head it was built from with a read of the graph made after the request arrived;
so an answer from another worker is exactly as current as one of this worker's own.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import orjson

from ckg.graph.changes import as_version
from ckg.graph.portrait import PortraitHead

log = logging.getLogger(__name__)

#: Bytes an answer costs beside its body: key, entry, the customer's fields it is checked against.
ENTRY_OVERHEAD = 2048  # measured: ~1.7 KB with a 13-field customer and one audit entry (tracemalloc)
#: Prefix of the private directories ``ckg serve`` makes for its workers' shared answers.
SHARED_PREFIX = "ckg-answers-"


@dataclass
class Answer:
    """An encoded answer and what it was built from."""

    customer_id: str
    body: bytes
    head: PortraitHead
    audits: list[tuple[str, str]]
    #: When its portrait's tags were read, on the host's monotonic clock (the same in every process).
    stored: float


class AnswerStore(Protocol):
    """What the response cache needs of a place to keep answers; every method is quick and never fails
    the request (a store that cannot answer answers nothing)."""

    max_bytes: int

    def get(self, key: bytes) -> Answer | None: ...

    def put(self, key: bytes, answer: Answer) -> None: ...

    def drop(self, key: bytes) -> None: ...

    def drop_customer(self, customer_id: str) -> None: ...

    def clear(self) -> None: ...

    def size(self) -> tuple[int, int]:
        """(answers, bytes counted with :data:`ENTRY_OVERHEAD`)."""
        ...


def cost(answer: Answer) -> int:
    return len(answer.body) + ENTRY_OVERHEAD


class MemoryAnswers:
    """Answers in this process, least recently used evicted first."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[bytes, Answer] = OrderedDict()
        self._by_customer: dict[str, set[bytes]] = {}
        self._bytes = 0

    def get(self, key: bytes) -> Answer | None:
        answer = self._entries.get(key)
        if answer is not None:
            self._entries.move_to_end(key)
        return answer

    def put(self, key: bytes, answer: Answer) -> None:
        if cost(answer) > self.max_bytes:
            return
        self.drop(key)
        self._entries[key] = answer
        self._by_customer.setdefault(answer.customer_id, set()).add(key)
        self._bytes += cost(answer)
        while self._bytes > self.max_bytes:
            self.drop(next(iter(self._entries)))

    def drop(self, key: bytes) -> None:
        answer = self._entries.pop(key, None)
        if answer is None:
            return
        self._bytes -= cost(answer)
        keys = self._by_customer.get(answer.customer_id)
        if keys is not None:
            keys.discard(key)
            if not keys:
                del self._by_customer[answer.customer_id]

    def drop_customer(self, customer_id: str) -> None:
        for key in list(self._by_customer.get(customer_id, ())):
            self.drop(key)

    def clear(self) -> None:
        self._entries.clear()
        self._by_customer.clear()
        self._bytes = 0

    def size(self) -> tuple[int, int]:
        return len(self._entries), self._bytes

    def keys(self) -> list[bytes]:
        """Oldest used first."""
        return list(self._entries)


_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS answers (
         key BLOB PRIMARY KEY, customer TEXT NOT NULL, stored REAL NOT NULL, cost INTEGER NOT NULL,
         head BLOB NOT NULL, body BLOB NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS answers_customer ON answers (customer)",
    "CREATE INDEX IF NOT EXISTS answers_stored ON answers (stored)",
    "CREATE TABLE IF NOT EXISTS total (one INTEGER PRIMARY KEY CHECK (one = 1), bytes INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO total VALUES (1, 0)",
    # the running total moves with every row, whichever worker wrote it
    """CREATE TRIGGER IF NOT EXISTS answers_added AFTER INSERT ON answers
         BEGIN UPDATE total SET bytes = bytes + NEW.cost; END""",
    """CREATE TRIGGER IF NOT EXISTS answers_removed AFTER DELETE ON answers
         BEGIN UPDATE total SET bytes = bytes - OLD.cost; END""",
)
#: How long a worker waits for another's write to the shared file before it does without (ms).
BUSY_MS = 50


class SharedAnswers:
    """Answers in one SQLite file that every worker on the host opens (WAL: reads never wait for a
    write). Bounded by ``max_bytes`` over all workers, the oldest built evicted first: a hit writes
    nothing, so there is no "least recently used" across processes."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.path = path
        # Workers open it at the same moment: the first to take the lock sets it up, the others wait.
        self._db = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")  # in memory, and only ever a cache: nothing to make durable
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                self._db.execute(statement)
        self._db.execute(f"PRAGMA busy_timeout={BUSY_MS}")
        self._warned = False

    def get(self, key: bytes) -> Answer | None:
        try:
            row = self._db.execute("SELECT customer, stored, head, body FROM answers WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._failed("read", exc)
            return None
        if row is None:
            return None
        customer_id, stored, head, body = row
        fields = orjson.loads(head)
        return Answer(customer_id, body, PortraitHead(fields["customer"], as_version(fields["version"])),
                      [(s, w) for s, w in fields["audits"]], stored)

    def put(self, key: bytes, answer: Answer) -> None:
        if cost(answer) > self.max_bytes:
            return
        try:
            head = orjson.dumps({"customer": answer.head.customer, "version": list(answer.head.version),
                                 "audits": answer.audits})
        except TypeError:  # a field JSON cannot carry: not kept (the answer itself is JSON, so unlikely)
            return
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute("DELETE FROM answers WHERE key = ?", (key,))
                self._db.execute("INSERT INTO answers VALUES (?, ?, ?, ?, ?, ?)",
                                 (key, answer.customer_id, answer.stored, cost(answer), head, answer.body))
                over = self._db.execute("SELECT bytes FROM total").fetchone()[0] - self.max_bytes
                while over > 0:  # oldest built first
                    gone = self._db.execute(
                        "DELETE FROM answers WHERE key = (SELECT key FROM answers ORDER BY stored LIMIT 1) "
                        "RETURNING cost").fetchone()
                    if gone is None:
                        break
                    over -= gone[0]
        except sqlite3.Error as exc:
            self._failed("write", exc)

    def drop(self, key: bytes) -> None:
        self._delete("DELETE FROM answers WHERE key = ?", key)

    def drop_customer(self, customer_id: str) -> None:
        self._delete("DELETE FROM answers WHERE customer = ?", customer_id)

    def clear(self) -> None:
        self._delete("DELETE FROM answers")

    def size(self) -> tuple[int, int]:
        try:
            count, total = self._db.execute("SELECT (SELECT count(*) FROM answers), bytes FROM total").fetchone()
        except sqlite3.Error as exc:
            self._failed("read", exc)
            return 0, 0
        return int(count), int(total)

    def close(self) -> None:
        self._db.close()

    def _delete(self, statement: str, *parameters: Any) -> None:
        try:
            self._db.execute(statement, parameters)
        except sqlite3.Error as exc:
            self._failed("write", exc)

    def _failed(self, what: str, exc: sqlite3.Error) -> None:
        """A busy or broken file costs a miss, never a request; said once per worker."""
        if not self._warned:
            self._warned = True
            log.warning("shared portrait answers (%s): could not %s (%s); this worker goes on without them "
                        "where it must", self.path, what, exc)


def make_shared_dir() -> Path:
    """A fresh private directory for a ``ckg serve`` run's shared answers, in memory where the host
    has ``/dev/shm``; earlier runs' directories whose ``ckg serve`` is gone (killed) are removed."""
    base = _base()
    for old in base.glob(f"{SHARED_PREFIX}*"):
        pid = old.name[len(SHARED_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)) and old.stat().st_uid == os.getuid():
            shutil.rmtree(old, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{SHARED_PREFIX}{os.getpid()}-", dir=base))  # mode 0700


def _base() -> Path:
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else Path(tempfile.gettempdir())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
