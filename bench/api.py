"""API benchmark: ``ckg serve`` as shipped, driven by a compiled closed-loop load generator.

    python -m bench api [--customers 20000] [--requests 2000] [--seconds 20] [--workers N] [--reuse]

In one run: the Bolt floor (the portrait statement through the async driver, cold and with a
current version; and its throughput with 16 in flight over as many processes as the API has
workers, no HTTP and no GraphQL), sequential portraits cold (every request another customer: no cache can help) and
warm (customers read before), throughput at 16 connections over customers not read yet (cold),
then over random customers of all (each read once before) and over the warm ones, the hit rates of
the whole-answer and portrait caches, a
50-customer page through GraphQL over HTTP with DataLoaders against the same API with one key per
query (naive N+1), and subscription latency from sending ``recordEvents`` to the subscriber's push.
The load generator is bench/loadgen (Go, built here); any child failing (the build, a request,
the server) fails the benchmark. With ``CKG_BENCH_NEO4J_URI`` an existing server is used; with
``--reuse`` a graph that already holds the customers is used as it is (no generate/load/refresh).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from bench.common import OUT, ROOT, bench_server, run_cli, write_section
from ckg.graph.async_db import AsyncDatabase
from ckg.graph.auth import Role, create_token
from ckg.graph.changes import Version
from ckg.graph.db import Database
from ckg.graph.maintenance import delete_all_data
from ckg.graph.portrait import fetch_portrait
from ckg.graph.queries import Query, queries
from ckg.graph.settings import Settings
from ckg.graph.tags.refresh import data_end, refresh
from ckg.loaders.generator import CATEGORY_MAP_FILE, generate

console = Console()
PORT, NAIVE_PORT = int(os.environ.get("CKG_BENCH_API_PORT", "18011")), int(os.environ.get("CKG_BENCH_API_PORT2",
                                                                                            "18012"))
PORTRAIT = """query($id: ID!) { portrait(customerId: $id) { pAlive expectedPurchases90d
  customer { id country community { id size } } dimensions { name tags { name weight confidence computedAt } } } }"""
PAGE = """query { customers(first: 50) { edges { node { id country tags { name weight } community { id size } } } } }"""
RECORD = """mutation($events: [EventInput!]!) { recordEvents(events: $events) { __typename } }"""
SUBSCRIBE = """subscription($id: ID!) { portraitChanged(customerId: $id) { customerId changed { name } } }"""
WARM = 200


def go() -> str:
    found = shutil.which("go") or ("/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").exists() else None)
    if found is None:
        raise SystemExit("bench api needs Go to build bench/loadgen (https://go.dev/dl/)")
    return found


def build_loadgen() -> Path:
    out = OUT / "loadgen"
    OUT.mkdir(parents=True, exist_ok=True)
    subprocess.run([go(), "build", "-C", str(ROOT / "bench" / "loadgen"), "-o", str(out), "."], check=True)
    return out


def loadgen(binary: Path, port: int, token: str, query: str, ids: list[str], *, conns: int = 1, n: int = 0,
            seconds: float = 0, pick: str = "random") -> dict[str, Any]:
    """Run the load generator; its non-zero exit (any failed request) fails the benchmark."""
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "q.graphql").write_text(query)
        (Path(tmp) / "ids.txt").write_text("\n".join(ids))
        args = [str(binary), "-url", f"http://127.0.0.1:{port}/graphql", "-token", token, "-query",
                str(Path(tmp) / "q.graphql"), "-ids", str(Path(tmp) / "ids.txt"), "-c", str(conns), "-pick", pick]
        args += ["-d", f"{seconds}s"] if seconds else ["-n", str(n)]
        done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"load generator failed ({done.returncode}): {done.stdout.strip()} {done.stderr.strip()}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


async def bolt_floor(settings: Settings, cold: list[str], warm: list[str], rounds: int) -> dict[str, list[float]]:
    """The portrait statement alone through the async driver: cold (no version known) and warm."""
    db = AsyncDatabase(settings)
    out: dict[str, list[float]] = {"cold": [], "warm": []}
    versions: dict[str, Version] = {}
    try:
        for cid in warm:
            data = await fetch_portrait(db, cid, True)
            assert data is not None
            versions[cid] = data.version
        for cid in cold:
            t0 = time.perf_counter()
            await fetch_portrait(db, cid, True)
            out["cold"].append((time.perf_counter() - t0) * 1000)
        for _ in range(rounds):
            cid = random.choice(warm)
            t0 = time.perf_counter()
            await fetch_portrait(db, cid, True, versions[cid])
            out["warm"].append((time.perf_counter() - t0) * 1000)
    finally:
        await db.close()
    return out


async def subscription_latency(port: int, token: str, ids: list[str], end: datetime) -> list[float]:
    """Per dormant customer: subscribe, send recordEvents (views just before the data's end, which make
    them active), time until the push arrives (ms)."""
    from websockets.asyncio.client import connect

    latencies: list[float] = []
    auth = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(timeout=60) as client:
        for k, cid in enumerate(ids):
            async with connect(f"ws://127.0.0.1:{port}/graphql", subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
                await ws.send(json.dumps({"type": "connection_init", "payload": auth}))
                assert json.loads(await ws.recv())["type"] == "connection_ack"
                await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                          "payload": {"query": SUBSCRIBE, "variables": {"id": cid}}}))
                await asyncio.sleep(0.3)  # registered with the watch
                at = (end - timedelta(days=1 + k % 5)).strftime("%Y-%m-%dT%H:%M:%SZ")
                events = [{"eventId": f"bench-sub-{time.time_ns()}-{i}", "customerId": cid, "type": "VIEW", "at": at,
                           "sku": "sku-000001"} for i in range(5)]
                t0 = time.perf_counter()
                resp = await client.post(f"http://127.0.0.1:{port}/graphql", headers=auth,
                                         json={"query": RECORD, "variables": {"events": events}})
                if resp.status_code != 200 or "errors" in resp.json():
                    raise SystemExit(f"recordEvents failed: {resp.text[:300]}")
                while True:
                    msg = json.loads(await asyncio.wait_for(ws.recv(), 30))
                    if msg["type"] == "next":
                        latencies.append((time.perf_counter() - t0) * 1000)
                        break
                    if msg["type"] in ("error", "complete"):
                        raise SystemExit(f"subscription ended: {msg}")
    return latencies


class Serve:
    """``ckg serve`` (or another factory) as a child process; its death fails the benchmark."""

    def __init__(self, settings: Settings, port: int, workers: int, factory: str | None = None,
                 category_map: Path | None = None) -> None:
        env = {**os.environ, "CKG_NEO4J_URI": settings.neo4j_uri, "CKG_NEO4J_PASSWORD": settings.password,
               "CKG_HOME": str(OUT / "home"), "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="ckg-bench-metrics-")}
        if category_map:
            env["CKG_CATEGORY_MAP"] = str(category_map)
        if factory is None:
            cmd = [sys.executable, "-m", "ckg", "serve", "--port", str(port), "--workers", str(workers)]
        else:
            cmd = [sys.executable, "-m", "uvicorn", "--factory", factory, "--port", str(port), "--workers", "1",
                   "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"]
        self.port = port
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"the API exited with {self.proc.returncode} before answering")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the API did not answer /healthz within 120 s")
            time.sleep(0.5)

    def metric(self, name: str) -> float:
        total = 0.0
        for line in httpx.get(f"http://127.0.0.1:{self.port}/metrics", timeout=10).text.splitlines():
            if line.startswith(name):
                total += float(line.rsplit(" ", 1)[1])
        return total

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            raise SystemExit(f"the API died during the benchmark (exit {self.proc.returncode})")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def prepare(db: Database, server_settings: Settings, customers: int, seed: int, reuse: bool) -> Path | None:
    if reuse and int(db.read(queries.api.count_customers, **_no_filter())[0]["n"]) >= customers:
        return None
    data = OUT / f"api-{customers}-{seed}"
    shutil.rmtree(data, ignore_errors=True)
    generate(customers, seed, data)
    delete_all_data(db)
    console.print(f"loading and tagging {customers} customers ...")
    run = run_cli(["load", str(data)], server_settings)
    if run.returncode != 0:
        raise SystemExit(f"ckg load failed ({run.returncode})")
    refresh(db)
    return data


async def _floor_worker(settings: Settings, ids: list[str], conns: int, seconds: float) -> int:
    """``conns`` loops, each reading a random customer's portrait after the other, for ``seconds``."""
    db = AsyncDatabase(settings)
    done = 0
    end = time.monotonic() + seconds

    async def loop() -> None:
        nonlocal done
        while time.monotonic() < end:
            await fetch_portrait(db, random.choice(ids), True)
            done += 1

    try:
        await asyncio.gather(*(loop() for _ in range(conns)))
    finally:
        await db.close()
    return done


def _floor_process(settings: Settings, ids: list[str], conns: int, seconds: float, out: Any) -> None:
    random.seed(os.getpid())
    out.put(asyncio.run(_floor_worker(settings, ids, conns, seconds)))


def bolt_floor_throughput(settings: Settings, ids: list[str], conns: int, processes: int, seconds: float) -> float:
    """Portraits per second with ``conns`` in flight split over ``processes`` Python processes (the
    API's workers), the statement alone through the async driver: no HTTP, no GraphQL. What the API
    could serve at most on this machine with this driver."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    share = [conns // processes + (1 if i < conns % processes else 0) for i in range(processes)]
    procs = [ctx.Process(target=_floor_process, args=(settings, ids, n, seconds, out)) for n in share]
    for proc in procs:
        proc.start()
    total: int = sum(int(out.get(timeout=seconds + 120)) for _ in procs)
    for proc in procs:
        proc.join()
        if proc.exitcode != 0:
            raise SystemExit(f"a Bolt floor process failed (exit {proc.exitcode})")
    return total / seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench api", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=2000, help="sequential requests per measurement")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each throughput run")
    parser.add_argument("--workers", type=int, default=0, help="ckg serve --workers (default: its own)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--subscriptions", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="use the graph as it is if it holds the customers")
    args = parser.parse_args(argv)
    random.seed(args.seed)
    binary = build_loadgen()
    started_load = load_average()

    with bench_server(heap="4g", pagecache="2g") as server, server.db() as db:
        data = prepare(db, server.settings, args.customers, args.seed, args.reuse)
        token = create_token(db, Role.ADMIN, f"bench-{time.time_ns()}")
        ids = [r["id"] for r in db.read(queries.api.list_customer_ids, after=None, limit=args.customers + 1,
                                        **_no_filter())]
        random.shuffle(ids)
        n = min(args.requests, len(ids) // 3)
        warm, cold_http, cold_bolt = ids[:WARM], ids[WARM:WARM + n], ids[WARM + n:WARM + 2 * n]
        subs = [r["id"] for r in db.read(Query("bench/dormant", "MATCH (c:Customer)-[:HAS_TAG]->(:Tag {name: "
                                                 "'activity_30d:dormant'}) RETURN c.customerId AS id LIMIT $n"),
                                           n=args.subscriptions)]
        end = datetime.fromisoformat(data_end(db)[:19]).replace(tzinfo=UTC)

        floor = asyncio.run(bolt_floor(server.settings, cold_bolt, warm, n))
        workers = args.workers or (os.cpu_count() or 1)  # ckg serve's default: one per core
        floor_rate = bolt_floor_throughput(server.settings, ids, 16, workers, args.seconds)
        api = Serve(server.settings, PORT, args.workers, category_map=data / CATEGORY_MAP_FILE if data else None)
        try:
            loadgen(binary, PORT, token, PORTRAIT, warm, conns=4, n=WARM * 10, pick="random")  # warm caches
            cold = loadgen(binary, PORT, token, PORTRAIT, cold_http, n=n, pick="unique")
            hot = loadgen(binary, PORT, token, PORTRAIT, warm, n=n)
            # 16 connections over every customer not read yet (each request another customer: cold),
            # then over all of them at random (each read once before: what a cache can do)
            rest = ids[WARM + n:]
            many_cold = loadgen(binary, PORT, token, PORTRAIT, rest, conns=16, n=len(rest), pick="unique")
            many = loadgen(binary, PORT, token, PORTRAIT, ids, conns=16, seconds=args.seconds)
            many_warm = loadgen(binary, PORT, token, PORTRAIT, warm, conns=16, seconds=args.seconds)
            hits, misses = api.metric('ckg_portrait_cache_total{result="hit"}'), \
                api.metric('ckg_portrait_cache_total{result="miss"}')
            answer_hits, answer_misses = api.metric('ckg_response_cache_total{result="hit"}'), \
                api.metric('ckg_response_cache_total{result="miss"}')
            batched = loadgen(binary, PORT, token, PAGE, ids[:1], n=30)
            sub = asyncio.run(subscription_latency(PORT, token, subs, end)) if args.subscriptions else []
            api.check_alive()
        finally:
            api.stop()
        naive_api = Serve(server.settings, NAIVE_PORT, 1, factory="ckg.gql.app:create_unbatched_app")
        try:
            naive = loadgen(binary, NAIVE_PORT, token, PAGE, ids[:1], n=30)
            naive_api.check_alive()
        finally:
            naive_api.stop()
    if data is not None:
        shutil.rmtree(data, ignore_errors=True)

    f50, f99 = statistics.median(floor["cold"]), pct(floor["cold"], 0.99)
    w50, w99 = statistics.median(floor["warm"]), pct(floor["warm"], 0.99)
    rows = [
        ("portrait, sequential, cold (each request another customer)",
         f"p50 {cold['p50_ms']:.2f} ms, p99 {cold['p99_ms']:.2f} ms", f"p50 {f50:.2f} ms, p99 {f99:.2f} ms",
         "p50 <= 3 ms, p99 <= 10 ms, <= 2x floor"),
        (f"portrait, sequential, warm ({WARM} customers read before)",
         f"p50 {hot['p50_ms']:.2f} ms, p99 {hot['p99_ms']:.2f} ms", f"p50 {w50:.2f} ms, p99 {w99:.2f} ms", ""),
        (f"throughput, 16 connections, each request another customer (cold: {len(rest)} customers)",
         f"{many_cold['throughput']:.0f} req/s, {many_cold['errors']} errors, p50 {many_cold['p50_ms']:.1f} ms, "
         f"p99 {many_cold['p99_ms']:.1f} ms", f"{floor_rate:.0f} req/s (16 in flight over {workers} processes)",
         ">= 1000 req/s, 0 errors"),
        ("throughput, 16 connections, random customers of all (each read once before)",
         f"{many['throughput']:.0f} req/s, {many['errors']} errors, p50 {many['p50_ms']:.1f} ms, "
         f"p99 {many['p99_ms']:.1f} ms", "", ">= 1000 req/s, 0 errors"),
        (f"throughput, 16 connections, {WARM} warm customers",
         f"{many_warm['throughput']:.0f} req/s, {many_warm['errors']} errors", f"{1000 / w50:.0f} req/s sequential",
         ""),
        ("whole-answer cache hit rate over the run (served without running GraphQL)",
         f"{answer_hits / max(answer_hits + answer_misses, 1):.0%} ({answer_hits:.0f} hits)", "", ""),
        ("portrait cache hit rate over the requests that ran",
         f"{hits / max(hits + misses, 1):.0%} ({hits:.0f} hits)", "", ""),
        ("50-customer page through GraphQL: DataLoader / naive N+1",
         f"{batched['p50_ms']:.1f} ms / {naive['p50_ms']:.1f} ms = {naive['p50_ms'] / batched['p50_ms']:.1f}x",
         "", ">= 10x"),
    ]
    if sub:
        rows.append(("recordEvents sent -> subscriber push",
                     f"p50 {statistics.median(sub):.0f} ms, max {max(sub):.0f} ms ({len(sub)} customers)", "",
                     "p50 <= 200 ms"))
    for r in rows:
        console.print(" | ".join(r))
    table = "| work | measured | Bolt floor | target |\n| --- | --- | --- | --- |\n" + "\n".join(
        f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows)
    body = (f"`ckg serve` as shipped (workers: {args.workers or 'default, one per core'}), uvloop + httptools, on "
            f"loopback; load generator: bench/loadgen (Go, closed loop), on the same machine as the API and Neo4j. "
            f"Load average (1/5/15 min) at the start: {started_load}; at the end: {load_average()}.\n\n{table}\n")
    write_section(f"API ({args.customers:,} customers)", body, "make bench-api  # python -m bench api "
                  + " ".join(argv or sys.argv[2:]))


def _no_filter() -> dict[str, Any]:
    return {"tag": None, "dimension": None, "minWeight": 0.0, "country": None, "community": None, "segment": None,
            "includeSensitive": True}


if __name__ == "__main__":
    main()
