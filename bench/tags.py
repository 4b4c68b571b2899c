"""Tag benchmark: full refresh per stage, GDS vs networkx community detection, incremental latency.

    python -m bench tags [--customers 100000]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.common import OUT, bench_server, run_cli, write_section
from ckg.graph import events
from ckg.graph.algorithms import social
from ckg.graph.maintenance import delete_all_data
from ckg.graph.tags.refresh import data_end, refresh
from ckg.loaders.evaluation import evaluate
from ckg.loaders.generator import CATEGORY_MAP_FILE, generate

console = Console()


def _server_peak_rss_mb(pid_file: Path | None) -> float | None:
    if pid_file is None or not pid_file.exists():
        return None
    pid = pid_file.read_text().strip()
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench tags", description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--incremental-runs", type=int, default=50)
    parser.add_argument("--heap", default="6g", help="Heap of the throwaway server (smaller on a shared machine).")
    parser.add_argument("--pagecache", default="4g", help="Page cache of the throwaway server.")
    args = parser.parse_args(argv)

    data = OUT / f"tags-{args.customers}-{args.seed}"
    shutil.rmtree(data, ignore_errors=True)
    generate(args.customers, args.seed, data)
    with bench_server(heap=args.heap, pagecache=args.pagecache) as server, server.db(data / CATEGORY_MAP_FILE) as db:
        delete_all_data(db)
        console.print(f"loading {args.customers} customers ...")
        load = run_cli(["load", str(data)], server.settings)
        console.print(f"loaded in {load.seconds:.0f}s; full refresh ...")
        started = time.perf_counter()
        result = refresh(db, engine="gds")
        full = time.perf_counter() - started
        metrics = evaluate(db, data)
        # The same refresh again: nothing changed, so it must write no tag.
        started = time.perf_counter()
        unchanged = refresh(db, engine="gds")
        unchanged_s = time.perf_counter() - started

        # Community detection on the same graph, both engines.
        t0 = time.perf_counter()
        gds_comm = social.communities(db, "gds")
        gds_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        nx_comm = social.communities(db, "networkx")
        nx_s = time.perf_counter() - t0

        # Incremental refresh of one customer after a new event (what recordEvents does): the
        # first runs warm the server's query plans and are not counted.
        now = data_end(db)
        latencies = []
        for i in range(args.incremental_runs + 5):
            cid = f"c{(i * 7919) % args.customers:07d}"
            events.record(db, [events.Event(f"bench-search-{i}", cid, "search", now, query="bench")])
            t0 = time.perf_counter()
            refresh(db, customers=[cid])  # as recordEvents calls it: no "as of" given
            if i >= 5:
                latencies.append((time.perf_counter() - t0) * 1000)
        server_rss = _server_peak_rss_mb(server.instance.pid_file if server.instance else None)
    py_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    shutil.rmtree(data, ignore_errors=True)

    table = Table(title=f"tag refresh, {args.customers:,} customers (engine gds)")
    table.add_column("stage")
    table.add_column("rows", justify="right")
    table.add_column("seconds", justify="right")
    md = ["| stage | tags derived | seconds, first refresh | seconds, nothing changed | writes, nothing changed |",
          "|---|---|---|---|---|"]
    again = {s.name: s for s in unchanged.stages}
    for s in result.stages:
        table.add_row(s.name, f"{s.rows:,}", f"{s.seconds:.1f}")
        u = again.get(s.name)
        md.append(f"| {s.name} | {s.rows:,} | {s.seconds:.1f} | {u.seconds if u else 0:.1f} | {u.writes if u else 0} |")
    console.print(table)
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    summary = [
        ("full refresh (first)", f"{full:.0f} s (issue 10 at 200k customers: <= 120 s)"),
        ("full refresh, nothing changed", f"{unchanged_s:.0f} s (issue 10 at 200k: <= 24 s), tag writes "
                                          + ", ".join(f"{k} {v}" for k, v in sorted(unchanged.tag_writes.items()))),
        ("Louvain on the social graph, GDS", f"{gds_s:.2f} s ({len(set(gds_comm.values()))} communities)"),
        ("Louvain on the social graph, networkx", f"{nx_s:.2f} s ({len(set(nx_comm.values()))} communities)"),
        ("GDS speed-up over networkx", f"{nx_s / gds_s:.1f}x (target >= 20x)"),
        ("incremental refresh, one customer", f"p50 {p50:.0f} ms, p95 {p95:.0f} ms over {len(latencies)} runs "
                                               "(target p50 <= 20 ms)"),
        ("peak RSS, refresh process (Python)", f"{py_rss:.0f} MB"),
        ("peak RSS, Neo4j server", f"{server_rss:.0f} MB" if server_rss else "n/a (external server)"),
    ]
    for k, v in summary:
        console.print(f"{k}: {v}")
    acc = ["| metric | value | coverage |", "|---|---|---|"] + [f"| {m.name} | {m.value:.3f} | {m.coverage:.2f} |"
                                                               for m in metrics]
    body = ("\n".join(f"- {k}: {v}" for k, v in summary) + "\n\n" + "\n".join(md) +
            "\n\nAccuracy against planted truth on the same data (`ckg eval`):\n\n" + "\n".join(acc) + "\n")
    write_section(f"Tags ({args.customers:,} customers)", body, f"python -m bench tags --customers {args.customers}")


if __name__ == "__main__":
    main()
