"""Long work started from the API runs as a job: the request returns the job's id at once and
``job(id)`` reports its state, progress and result. Jobs are nodes in the graph (any API worker
can answer for them) and run in a background thread of the process that started them, one at a
time, so a long refresh never holds an HTTP request or the event loop."""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ckg.graph.db import Database
from ckg.graph.errors import CkgError, DatabaseUnavailable
from ckg.graph.queries import queries

log = logging.getLogger("ckg.jobs")
#: Seconds between two progress writes of one job.
PROGRESS_EVERY = 1.0


class JobProgress:
    """The progress protocol (:mod:`ckg.graph.progress`) written to the job node, at most once a second."""

    def __init__(self, db: Database, job_id: str) -> None:
        #: The runner's database: a job's work runs on it (retrying as long as the CLI does).
        self.db = db
        self.job_id = job_id
        self.steps = 0
        self._last = 0.0

    def start(self, name: str, total: int) -> None:
        self._write(name)

    def advance(self, name: str, done: int) -> None:
        self.steps += 1
        if time.monotonic() - self._last >= PROGRESS_EVERY:
            self._write(name)

    def end(self, name: str) -> None:
        self.steps += 1

    def _write(self, name: str) -> None:
        self._last = time.monotonic()
        self.db.write(queries.jobs.update_job, jobId=self.job_id, state=None, progress=self.steps,
                      message=name, result=None)


Work = Callable[[JobProgress], dict[str, Any]]


class JobRunner:
    """Runs jobs one at a time in a background thread of this process."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.owner = f"runner:{uuid.uuid4().hex[:12]}"
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ckg-job")
        self._idle = threading.Event()
        self._idle.set()

    def submit(self, kind: str, requested_by: str, work: Work) -> str:
        """Record a queued job and start it; return its id at once."""
        job_id = f"job-{uuid.uuid4().hex}"
        self.db.write(queries.jobs.create_job, jobId=job_id, kind=kind, requestedBy=requested_by, owner=self.owner)
        self._pool.submit(self._run, job_id, work)
        return job_id

    def _run(self, job_id: str, work: Work) -> None:
        try:
            self.db.write(queries.jobs.update_job, jobId=job_id, state="running", progress=None, message=None,
                          result=None)
            result = work(JobProgress(self.db, job_id))
            self.db.write(queries.jobs.update_job, jobId=job_id, state="succeeded", progress=None, message="done",
                          result=json.dumps(result, default=str))
        except CkgError as exc:
            self._fail(job_id, str(exc))
        except Exception:
            log.exception("job %s failed", job_id)
            self._fail(job_id, "unexpected error (logged by the API)")

    def _fail(self, job_id: str, message: str) -> None:
        try:
            self.db.write(queries.jobs.update_job, jobId=job_id, state="failed", progress=None, message=message,
                          result=None)
        except CkgError:
            log.exception("could not record the failure of job %s", job_id)

    def close(self) -> None:
        """Stop taking jobs; those still queued or running are marked failed in the graph."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        try:
            self.db.write(queries.jobs.fail_abandoned_jobs, owner=self.owner)
        except DatabaseUnavailable as exc:  # stopping during an outage: one line, not a traceback
            log.warning("could not mark this process's unfinished jobs as failed: %s", exc)
        except CkgError:
            log.exception("could not mark this process's unfinished jobs as failed")


def get_job(db: Database, job_id: str) -> dict[str, Any] | None:
    rows = db.read(queries.jobs.get_job, jobId=job_id)
    if not rows:
        return None
    row = rows[0]
    return {**row, "result": json.loads(row["result"]) if row["result"] else None}
