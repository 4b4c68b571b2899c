"""The read audit: every API read of a personal field (name, email, phone) or a sensitive tag is
recorded (who by token name, what, when), in batches so a request costs no extra round trip.

Entries name the subject by keyed hash (:func:`ckg.graph.suppression.subject_key`), like every
audit entry, so erasure leaves nothing to scrub. A background thread writes the buffer every
second, or at once when it holds 500 entries; the request that fills it only wakes the thread, so
no write (nor, while Neo4j is down, its retries) ever runs on the API's event loop. Entries that
could not be written are kept for the next flush; a backlog is written in transactions of 500.
:meth:`ReadAudit.flush` writes the buffer at once (shutdown, tests).
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

from ckg.graph.db import Database
from ckg.graph.errors import CkgError
from ckg.graph.queries import queries
from ckg.graph.suppression import privacy_key, subject_key

log = logging.getLogger("ckg.audit")
FLUSH_SECONDS = 1.0
FLUSH_ROWS = 500
#: Entries kept while they cannot be written (Neo4j down); past it the oldest are dropped, and said so.
MAX_BUFFERED = 100_000


class ReadAudit:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._key = privacy_key(db.settings)
        self._rows: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="ckg-read-audit", daemon=True)
        self._thread.start()

    def read(self, actor: str, customer_id: str, what: str) -> None:
        """Note that ``actor`` read ``what`` (a field name, or ``tag <name>``) of the customer."""
        row = {"at": datetime.now(UTC).isoformat(), "actor": actor, "action": "read",
               "subjectHash": subject_key(self._key, customer_id), "detail": what}
        with self._lock:
            self._rows.append(row)
            full = len(self._rows) >= FLUSH_ROWS
        if full:  # the writer thread flushes; the caller (an API request on the event loop) goes on
            self._wake.set()

    def flush(self) -> bool:
        """Write the buffer; False when Neo4j refused it (the entries are kept for the next flush)."""
        with self._lock:
            rows, self._rows = self._rows, []
        # In transactions of FLUSH_ROWS at most: a backlog after an outage holds no connection and
        # no lock for long, so the API's own transactions are not kept waiting behind it.
        for start in range(0, len(rows), FLUSH_ROWS):
            try:
                self.db.write(queries.privacy.record_audit_batch, rows=rows[start:start + FLUSH_ROWS])
            except CkgError as exc:
                unwritten = rows[start:]
                with self._lock:
                    self._rows = unwritten + self._rows
                    dropped = len(self._rows) - MAX_BUFFERED
                    if dropped > 0:
                        del self._rows[:dropped]
                log.error("could not write %d read-audit entries (%s); keeping them for the next flush%s",
                          len(unwritten), exc, f", {dropped} oldest dropped" if dropped > 0 else "")
                return False
        return True

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(FLUSH_SECONDS)
            self._wake.clear()
            if not self._stop.is_set() and not self.flush():
                self._stop.wait(FLUSH_SECONDS)  # Neo4j refused: wait before trying again, whatever wakes us

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join()
        self.flush()
