"""API benchmark: portrait latency and throughput on one uvicorn worker; DataLoader vs naive.

    python -m bench api [--customers 100000] [--requests 1000] [--clients 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import time

import httpx
from rich.console import Console

from bench.common import OUT, ROOT, bench_server, run_cli, write_section
from ckg.graph import customers
from ckg.graph.auth import Role, create_token
from ckg.graph.maintenance import delete_all_data
from ckg.graph.tags.catalogue import FAMILIES
from ckg.graph.tags.refresh import refresh
from ckg.loaders.generator import CATEGORY_MAP_FILE, generate

console = Console()
PORT = 8765
PORTRAIT = """query($id: ID!) { portrait(customerId: $id) { pAlive expectedPurchases90d
  customer { id country community { id size } } dimensions { name tags { name weight confidence computedAt } } } }"""


async def _clients(url: str, token: str, ids: list[str], total: int, concurrency: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue = list(range(total))
    headers = {"Authorization": f"Bearer {token}"}

    async def worker(client: httpx.AsyncClient) -> None:
        while queue:
            queue.pop()
            body = {"query": PORTRAIT, "variables": {"id": random.choice(ids)}}
            t0 = time.perf_counter()
            resp = await client.post(url, json=body, headers=headers)
            latencies.append((time.perf_counter() - t0) * 1000)
            if resp.status_code != 200 or "errors" in resp.json():
                raise RuntimeError(resp.text[:300])

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return latencies, wall


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench api", description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    data = OUT / f"api-{args.customers}-{args.seed}"
    shutil.rmtree(data, ignore_errors=True)
    generate(args.customers, args.seed, data)
    random.seed(args.seed)
    with bench_server(heap="6g", pagecache="4g") as server, server.db(data / CATEGORY_MAP_FILE) as db:
        delete_all_data(db)
        console.print(f"loading and tagging {args.customers} customers ...")
        run_cli(["load", str(data)], server.settings)
        refresh(db, only=[f.name for f in FAMILIES])  # portraits need tags, not SIMILAR_TO
        token = create_token(db, Role.ADMIN, "bench")
        ids = [f"c{i:07d}" for i in random.sample(range(args.customers), min(2000, args.customers))]

        # DataLoader (one query per field for the page) against naive (one query per customer per field).
        page = ids[:50]
        t0 = time.perf_counter()
        for _ in range(20):
            customers.customers_by_id(db, page)
            customers.tags_by_customer(db, page, True)
            customers.communities_by_customer(db, page)
        batched = (time.perf_counter() - t0) / 20
        t0 = time.perf_counter()
        for _ in range(20):
            for cid in page:
                customers.customers_by_id(db, [cid])
                customers.tags_by_customer(db, [cid], True)
                customers.communities_by_customer(db, [cid])
        naive = (time.perf_counter() - t0) / 20

        env = {**os.environ, "CKG_NEO4J_URI": server.settings.neo4j_uri,
               "CKG_NEO4J_PASSWORD": server.settings.password, "CKG_API_PORT": str(PORT),
               "CKG_CATEGORY_MAP": str(data / CATEGORY_MAP_FILE)}
        api = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "ckg.gql.app:create_app",
                                "--port", str(PORT),
                                "--workers", "1", "--log-level", "warning", "--no-access-log"],
                               cwd=ROOT, env=env)
        try:
            url = f"http://127.0.0.1:{PORT}/graphql"
            for _ in range(100):
                try:
                    if httpx.get(f"http://127.0.0.1:{PORT}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            asyncio.run(_clients(url, token, ids, 200, 4))  # warm-up: plans, JIT, connection pool
            one, one_wall = asyncio.run(_clients(url, token, ids, args.requests, 1))
            many, many_wall = asyncio.run(_clients(url, token, ids, args.requests * 2, args.clients))
        finally:
            api.terminate()
            api.wait(10)
    shutil.rmtree(data, ignore_errors=True)

    rows = [
        ("portrait p50, 1 client", f"{statistics.median(one):.1f} ms (target <= 5 ms)"),
        ("portrait p99, 1 client", f"{_pct(one, 0.99):.1f} ms (target <= 15 ms)"),
        ("throughput, 1 client", f"{len(one) / one_wall:.0f} req/s"),
        (f"portrait p50 / p99, {args.clients} clients", f"{statistics.median(many):.1f} / {_pct(many, 0.99):.1f} ms"),
        (f"throughput, {args.clients} clients, 1 worker", f"{len(many) / many_wall:.0f} req/s (target >= 1000)"),
        ("50-customer page, DataLoader path", f"{batched * 1000:.1f} ms (3 queries)"),
        ("50-customer page, naive path", f"{naive * 1000:.1f} ms (150 queries)"),
        ("DataLoader speed-up", f"{naive / batched:.1f}x (target >= 10x)"),
    ]
    for k, v in rows:
        console.print(f"{k}: {v}")
    body = ("The load generator (httpx, asyncio) runs on the same 2-core machine as the API and Neo4j.\n\n"
            + "\n".join(f"- {k}: {v}" for k, v in rows) + "\n")
    write_section(f"API ({args.customers:,} customers)", body, f"python -m bench api --customers {args.customers}")


if __name__ == "__main__":
    main()
