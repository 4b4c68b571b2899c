"""Named locks kept in the graph, so two processes (``ckg tags refresh`` and the API) cannot run the
same exclusive work at once. A lock expires after a time-to-live that its holder keeps extending
while it works, so a crashed holder frees it by itself. A holder name says which host and process
holds it (:func:`holder_name`), so on the same host a lock whose process is gone (killed with -9)
is taken over at once instead of after the time-to-live."""

from __future__ import annotations

import os
import re
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from ckg.graph.db import Database
from ckg.graph.errors import Busy, CkgError
from ckg.graph.queries import queries

FULL_REFRESH = "full_tag_refresh"
TTL_SECONDS = 120


class LockBusy(Busy):
    """Someone else holds the lock."""


_HOLDER = re.compile(r"^.+@(?P<host>[^:@]+):(?P<pid>\d+):[0-9a-f]{12}$")


def holder_name(what: str) -> str:
    """``what@host:pid:random``: unique, and says which process holds the lock."""
    return f"{what}@{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def holder_is_gone(holder: str) -> bool:
    """Whether ``holder`` names a process of this host that no longer runs (other names: never)."""
    m = _HOLDER.match(holder)
    if m is None or m["host"] != socket.gethostname() or int(m["pid"]) == os.getpid():
        return False
    try:
        os.kill(int(m["pid"]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    return False


def try_acquire(db: Database, name: str, holder: str, ttl_seconds: int = TTL_SECONDS) -> bool:
    row = db.write(queries.jobs.acquire_lock, name=name, holder=holder, ttlSeconds=ttl_seconds)[0]
    if row["holder"] == holder:
        return True
    if row["holder"] and holder_is_gone(row["holder"]):
        taken = db.write(queries.jobs.take_over_lock, name=name, dead=row["holder"], holder=holder,
                         ttlSeconds=ttl_seconds)
        return bool(taken and taken[0]["holder"] == holder)
    return False


def is_held(db: Database, name: str) -> bool:
    """Whether someone holds ``name`` now (a hint for callers; :func:`hold` is what decides)."""
    return bool(db.read(queries.jobs.find_lock, name=name))


def release(db: Database, name: str, holder: str) -> None:
    db.write(queries.jobs.release_lock, name=name, holder=holder)


@contextmanager
def hold(db: Database, name: str, holder: str, ttl_seconds: int = TTL_SECONDS) -> Iterator[None]:
    """Hold ``name`` for the block (raise :class:`LockBusy` if taken), extending it while the block runs."""
    if not try_acquire(db, name, holder, ttl_seconds):
        raise LockBusy(f"another {name.replace('_', ' ')} is running; try again when it has finished")
    stop = threading.Event()

    def keep_alive() -> None:
        while not stop.wait(ttl_seconds / 3):
            # A failed beat is retried by the next one; the lock only expires after a whole TTL.
            with suppress(CkgError):
                try_acquire(db, name, holder, ttl_seconds)

    beat = threading.Thread(target=keep_alive, name=f"lock-{name}", daemon=True)
    beat.start()
    try:
        yield
    finally:
        stop.set()
        beat.join()
        release(db, name, holder)
