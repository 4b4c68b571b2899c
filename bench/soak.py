"""Soak under a fault: ``ckg serve`` at a steady rate of mixed queries and mutations, Neo4j stopped
for 20 s and started again half-way.

    python -m bench soak [--minutes 10] [--rate 40] [--customers 2000] [--workers 2]

Passes when: no error before the outage; during it only 503s (with Retry-After) besides answers;
after the API answers again, no 5xx and no error; every recordEvents that returned success is in the
graph at the end; the workers' memory grew less than 10% from 30 s into the run to the end. Before the
run every customer's portrait is read three times, so the bounded caches are full when memory is
first measured (growth means a leak, not a cache filling; the fill's growth is reported too).
Loopback only, bounded by --minutes. Neo4j is a throwaway server (ports CKG_BENCH_BOLT_PORT and
CKG_BENCH_HTTP_PORT), or an instance of ours started before (``--neo4j-dir`` with the URI and
password in CKG_BENCH_NEO4J_URI / CKG_BENCH_NEO4J_PASSWORD).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from bench.api import PORTRAIT, Serve, load_average, prepare
from bench.common import BenchServer, bench_server, write_section
from ckg.graph.auth import Role, create_token
from ckg.graph.db import Database
from ckg.graph.queries import Query, queries
from ckg.graph.settings import Settings
from ckg.server import launcher

console = Console()
PORT = int(os.environ.get("CKG_BENCH_API_PORT3", "18013"))
PAGE = "query { customers(first: 20) { edges { node { id tags { name } } } } }"
RECORD = """mutation($events: [EventInput!]!) { recordEvents(events: $events) { __typename
  ... on EventsRecorded { stored } } }"""
OUTAGE_SECONDS = 20.0
#: How long the load goes on after Neo4j is back, at least.
RECOVERY_SECONDS = 30.0
GROWTH_LIMIT = 0.10
#: Rounds of reading every customer's portrait before the timed run (:func:`fill`).
FILL_ROUNDS = 3


@dataclass
class Outcome:
    at: float
    kind: str
    status: int  # 0: no answer (transport error)
    ok: bool
    retry_after: bool = False
    event_id: str | None = None
    detail: str = ""  # for a failure: the start of the answer, or the transport error


@dataclass
class Soak:
    outcomes: list[Outcome] = field(default_factory=list)
    stopped_at: float | None = None
    started_at: float | None = None
    #: The workers' resident memory (kB) before and after the fill (:func:`fill`).
    filled: tuple[int, int] = (0, 0)


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def worker_rss(root: int) -> dict[int, int]:
    """Resident memory (kB) of the API's workers, by pid: the children of the uvicorn process that
    ``ckg serve`` (``root``) runs as its child."""
    out: dict[int, int] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        kids = _children(pid)
        try:
            supervisor = b"uvicorn" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            supervisor = False
        if not supervisor:
            todo.extend(kids)
            continue
        for kid in kids:
            try:
                for line in Path(f"/proc/{kid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        out[kid] = int(line.split()[1])
            except OSError:
                pass
    return out


async def fill(url: str, token: str, ids: list[str]) -> int:
    """Read every customer's portrait ``FILL_ROUNDS`` times, 8 at once, before the timed run, so the
    workers' bounded caches (portraits, shared answers, parsed documents) hold what the run asks for
    and the memory the run measures is the steady state: growth then means a leak, not a cache
    filling (the fill's own growth is reported beside it). Returns the requests that failed."""
    auth = {"Authorization": f"Bearer {token}"}
    gate = asyncio.Semaphore(8)
    async with httpx.AsyncClient(timeout=30) as client:

        async def one(customer: str) -> bool:
            async with gate:
                resp = await client.post(url, json={"query": PORTRAIT, "variables": {"id": customer}}, headers=auth)
                return resp.status_code == 200 and "errors" not in resp.json()

        done = await asyncio.gather(*(one(c) for _ in range(FILL_ROUNDS) for c in ids))
    return done.count(False)


async def drive(url: str, token: str, ids: list[str], rate: float, seconds: float, soak: Soak,
                sku: str) -> None:
    """Send requests at a steady rate (open loop: each its own task) for ``seconds``."""
    auth = {"Authorization": f"Bearer {token}"}
    day = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    started = time.monotonic()
    tasks: set[asyncio.Task[None]] = set()
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def one(k: int) -> None:
            roll = random.random()
            event_id = None
            if roll < 0.8:
                kind, body = "portrait", {"query": PORTRAIT, "variables": {"id": random.choice(ids)}}
            elif roll < 0.9:
                kind, body = "page", {"query": PAGE}
            else:
                event_id = f"soak-{time.time_ns()}-{k}"
                kind, body = "recordEvents", {"query": RECORD, "variables": {"events": [
                    {"eventId": event_id, "customerId": random.choice(ids), "type": "VIEW", "at": day, "sku": sku}]}}
            at = time.monotonic()
            try:
                resp = await client.post(url, json=body, headers=auth)
                ok = resp.status_code == 200 and "errors" not in resp.json()
                if kind == "recordEvents" and ok:
                    ok = resp.json()["data"]["recordEvents"]["__typename"] == "EventsRecorded"
                soak.outcomes.append(Outcome(at, kind, resp.status_code, ok, "retry-after" in resp.headers,
                                             event_id if ok else None, "" if ok else resp.text[:200]))
            except httpx.HTTPError as exc:
                soak.outcomes.append(Outcome(at, kind, 0, False, detail=f"{type(exc).__name__} {exc}"[:200]))

        def going() -> bool:
            now = time.monotonic()
            if now - started < seconds:
                return True
            # Past --minutes but the fault has not ended, or ended less than RECOVERY_SECONDS ago: go on,
            # so the run always sees the API after Neo4j is back.
            return soak.stopped_at is not None and (soak.started_at is None or now < soak.started_at + RECOVERY_SECONDS)

        k = 0
        while going():
            task = asyncio.create_task(one(k))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            k += 1
            await asyncio.sleep(max(0.0, started + k / rate - time.monotonic()))
        if tasks:
            await asyncio.gather(*tasks)


@contextmanager
def neo4j(args: argparse.Namespace) -> Iterator[tuple[BenchServer, launcher.Instance]]:
    if args.neo4j_dir:
        uri = os.environ["CKG_BENCH_NEO4J_URI"]
        settings = Settings(neo4j_uri=uri, neo4j_password=os.environ["CKG_BENCH_NEO4J_PASSWORD"])
        home = Settings().home
        inst = launcher.Instance(dist=launcher.dist_dir(home), directory=Path(args.neo4j_dir),
                                 bolt_port=settings.bolt_port,
                                 http_port=int(os.environ.get("CKG_BENCH_HTTP_PORT", "0")),
                                 heap="2g", pagecache="1g")
        yield BenchServer(settings, inst), inst
        return
    os.environ.pop("CKG_BENCH_NEO4J_URI", None)
    with bench_server(heap="2g", pagecache="1g") as server:
        assert server.instance is not None
        yield server, server.instance


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench soak", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=40.0, help="requests per second")
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--neo4j-dir", default="", help="the instance directory of a Neo4j we may stop and start")
    parser.add_argument("--no-results", action="store_true", help="print the report only; leave bench/RESULTS.md")
    parser.add_argument("--trace", type=Path, help="diagnosis: write JSON lines to this file, every 5 s from the "
                                                   "outage on, with the server's open transactions (SHOW "
                                                   "TRANSACTIONS) and the failures of the last 5 s by kind and answer")
    args = parser.parse_args(argv)
    random.seed(args.seed)
    seconds = args.minutes * 60
    started_load = load_average()

    with neo4j(args) as (server, inst), server.db() as db:
        data = prepare(db, server.settings, args.customers, args.seed, reuse=True)
        token = create_token(db, Role.MARKETER, f"soak-{time.time_ns()}")
        ids = [r["id"] for r in db.read(queries.api.list_customer_ids, after=None, limit=args.customers,
                                        tag=None, dimension=None, minWeight=0.0, country=None, community=None,
                                        segment=None, includeSensitive=True)]
        sku = db.read(Query("bench/sku", "MATCH (p:Product) RETURN p.sku AS sku ORDER BY sku LIMIT 1"))[0]["sku"]
        api = Serve(server.settings, PORT, args.workers, category_map=data / "category-map.toml" if data else None)
        soak = Soak()
        memory: list[tuple[float, int]] = []
        try:
            url = f"http://127.0.0.1:{PORT}/graphql"
            before_fill = sum(worker_rss(api.proc.pid).values())
            console.print(f"reading every portrait {FILL_ROUNDS} times before the run ...")
            if failed := asyncio.run(fill(url, token, ids)):
                raise SystemExit(f"error: {failed} portrait reads failed before the soak began; is the API healthy?")
            soak.filled = (before_fill, sum(worker_rss(api.proc.pid).values()))
            loop_start = time.monotonic()

            async def run() -> None:
                async def fault() -> None:
                    await asyncio.sleep(seconds * 0.4)
                    soak.stopped_at = time.monotonic()
                    console.print("stopping Neo4j ...")
                    await asyncio.to_thread(launcher.stop, inst)
                    await asyncio.sleep(OUTAGE_SECONDS)
                    await asyncio.to_thread(launcher.start, inst, server.settings.password)
                    soak.started_at = time.monotonic()
                    console.print("Neo4j started again")

                async def sample() -> None:
                    while time.monotonic() - loop_start < seconds or soak.started_at is None \
                            or time.monotonic() < soak.started_at + RECOVERY_SECONDS:
                        memory.append((time.monotonic() - loop_start, sum(worker_rss(api.proc.pid).values())))
                        await asyncio.sleep(10)

                async def trace() -> None:
                    if args.trace is None:
                        return
                    with args.trace.open("w", encoding="utf-8") as out:
                        while soak.stopped_at is None:
                            await asyncio.sleep(1)
                        while time.monotonic() - loop_start < seconds or soak.started_at is None \
                                or time.monotonic() < soak.started_at + RECOVERY_SECONDS:
                            out.write(json.dumps(await asyncio.to_thread(trace_line, db, soak, loop_start)) + "\n")
                            out.flush()
                            await asyncio.sleep(5)

                await asyncio.gather(drive(url, token, ids, args.rate, seconds, soak, sku), fault(), sample(), trace())

            asyncio.run(run())
            api.check_alive()
        finally:
            api.stop()
        stored = {r["id"] for r in _stored_events(db, [o.event_id for o in soak.outcomes if o.event_id])}

    report(args, soak, memory, stored, started_load)


def trace_line(db: Database, soak: Soak, loop_start: float) -> dict[str, Any]:
    """One diagnosis sample: the server's open transactions and the last 5 s of failures."""
    now = time.monotonic()
    failures = Counter(f"{o.kind} {o.status} {o.detail[:80]}" for o in soak.outcomes if not o.ok and o.at >= now - 5)
    try:
        rows = db.read(Query("bench/show_transactions", "SHOW TRANSACTIONS YIELD currentQuery, status, "
                                                          "elapsedTime, clientAddress RETURN currentQuery, status, "
                                                          "elapsedTime.milliseconds AS ms"))
        open_tx = Counter(f"{r['status']} {' '.join(str(r['currentQuery']).split())[:70]}" for r in rows)
        oldest = max((int(r["ms"] or 0) for r in rows), default=0)
    except Exception as exc:  # the server is down: say so and go on sampling
        open_tx, oldest = Counter({f"unavailable: {type(exc).__name__}": 1}), 0
    return {"t": round(now - loop_start, 1), "sent5s": len([o for o in soak.outcomes if o.at >= now - 5]),
            "transactions": dict(open_tx.most_common(8)), "oldestMs": oldest,
            "failures": dict(failures.most_common(6))}


def _stored_events(db: Database, ids: list[str]) -> list[dict[str, Any]]:
    return db.read(Query("bench/soak_events", "UNWIND $ids AS id MATCH ()-[r:VIEWED {eventId: id}]->() "
                                              "RETURN DISTINCT r.eventId AS id"), ids=ids)


def per_window(outcomes: list[Outcome], start: float, width: float = 10.0) -> list[int]:
    """Failures per ``width`` seconds from ``start`` (whether a backlog drains, or errors go on)."""
    counts: Counter[int] = Counter(int((o.at - start) // width) for o in outcomes if not o.ok)
    last = max((int((o.at - start) // width) for o in outcomes), default=-1)
    return [counts.get(i, 0) for i in range(last + 1)]


def breakdown(outcomes: list[Outcome]) -> str:
    """Per kind of request: how many succeeded, and the failures by status (0: no answer)."""
    parts = []
    for kind in sorted({o.kind for o in outcomes}):
        mine = [o for o in outcomes if o.kind == kind]
        failed = Counter(o.status for o in mine if not o.ok)
        parts.append(f"{kind} {sum(o.ok for o in mine)} ok" + (" / " + ", ".join(
            f"{n} x {status}" for status, n in sorted(failed.items())) if failed else ""))
    return "; ".join(parts)


def _growth(samples: list[int]) -> float:
    """How much memory grew from the first sample to the last, as a fraction of the first."""
    return (samples[-1] - samples[0]) / samples[0] if len(samples) > 1 and samples[0] else 0.0


def _memory_change(samples: list[int]) -> str:
    if not samples:
        return "not sampled"
    return f"{samples[0] / 1024:.0f} MB -> {samples[-1] / 1024:.0f} MB ({_growth(samples):+.1%})"


def report(args: argparse.Namespace, soak: Soak, memory: list[tuple[float, int]], stored: set[str],
           started_load: str) -> None:
    assert soak.stopped_at is not None and soak.started_at is not None, "the fault did not run"
    before = [o for o in soak.outcomes if o.at < soak.stopped_at]
    recovered_at = min((o.at for o in soak.outcomes if o.at > soak.started_at and o.ok), default=None)
    during = [o for o in soak.outcomes if soak.stopped_at <= o.at < (recovered_at or float("inf"))]
    after = [o for o in soak.outcomes if recovered_at is not None and o.at >= recovered_at]
    problems: list[str] = []
    if bad := [o for o in before if not o.ok]:
        problems.append(f"{len(bad)} errors before the outage (statuses {sorted({o.status for o in bad})})")
    if bad := [o for o in during if not o.ok and not (o.status == 503 and o.retry_after)]:
        problems.append(f"{len(bad)} answers during the outage were not 503 + Retry-After "
                        f"(statuses {sorted({o.status for o in bad})})")
    if recovered_at is None:
        problems.append("the API never answered again after Neo4j came back")
    if bad := [o for o in after if not o.ok]:
        problems.append(f"{len(bad)} errors after recovery (statuses {sorted({o.status for o in bad})})")
    succeeded = [o.event_id for o in soak.outcomes if o.event_id]
    lost = [e for e in succeeded if e not in stored]
    if lost:
        problems.append(f"{len(lost)} recordEvents returned success but are not in the graph")
    warm = [m for t, m in memory if t >= 30] or [m for _, m in memory]
    growth = _growth(warm)
    if growth >= GROWTH_LIMIT:
        problems.append(f"worker memory grew {growth:.0%}")
    n503 = sum(1 for o in during if o.status == 503)
    # told apart from the verdict's growth: a leak goes on growing after the outage, caches stop
    late = [m for t, m in memory if t >= soak.started_at - soak.outcomes[0].at + RECOVERY_SECONDS]
    rows = [
        ("requests", f"{len(soak.outcomes)} at {args.rate:.0f}/s for {args.minutes:g} min "
                     "(80% portraits, 10% pages, 10% recordEvents)"),
        ("errors before the outage", str(len([o for o in before if not o.ok]))),
        ("Neo4j stopped", f"{OUTAGE_SECONDS:.0f} s, at {soak.stopped_at - soak.outcomes[0].at:.0f} s"),
        ("during the outage", f"{len(during)} requests: {n503} answered 503 with Retry-After, "
                              f"{sum(1 for o in during if o.ok)} answered"),
        ("API answering again",
         f"{(recovered_at - soak.started_at):.1f} s after Neo4j was up" if recovered_at else "never"),
        ("errors after recovery", str(len([o for o in after if not o.ok])) + (
            " (per 10 s from the first answer: " + ", ".join(str(n) for n in per_window(after, recovered_at)) + ")"
            if recovered_at is not None and after else "")),
        ("recordEvents that returned success / found in the graph",
         f"{len(succeeded)} / {len(succeeded) - len(lost)}"),
        ("worker memory (RSS, all workers) while every portrait was read before the run",
         f"{soak.filled[0] / 1024:.0f} MB -> {soak.filled[1] / 1024:.0f} MB"),
        ("worker memory (RSS, all workers) from 30 s into the run -> end", _memory_change(warm)),
        ("worker memory (RSS, all workers) from 30 s after Neo4j came back -> end (not the verdict)",
         _memory_change(late) if len(late) > 1 else "too few samples"),
        ("worker memory (RSS, all workers, MB) each minute",
         ", ".join(f"{m / 1024:.0f}" for t, m in memory if int(t) % 60 < 10)),
        ("verdict", "pass" if not problems else "FAIL: " + "; ".join(problems)),
    ]
    rows.insert(-1, ("outcomes by kind (ok / failed, by status)", breakdown(soak.outcomes)))
    for k, v in rows:
        console.print(f"{k}: {v}")
    for o in {(o.kind, o.status): o for o in soak.outcomes if not o.ok}.values():  # one example of each failure
        console.print(f"  e.g. {o.kind} {o.status}, sent {o.at - soak.stopped_at:+.1f} s from the stop: {o.detail}")
    body = (f"`ckg serve --workers {args.workers}` on loopback, {args.customers:,} customers, Python asyncio + httpx "
            f"client (open loop at a steady rate) on the same machine. Load average at the start: {started_load}; "
            f"at the end: {load_average()}.\n\n" + "\n".join(f"- {k}: {v}" for k, v in rows) + "\n")
    if not args.no_results:
        write_section("API soak", body,
                      f"make soak  # python -m bench soak --minutes {args.minutes:g} --rate {args.rate:g}")
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
