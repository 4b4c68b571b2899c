"""Load benchmark: generate N customers, load into an empty Neo4j, compare with row-by-row.

    python -m bench load [--customers 100000] [--small 20000] [--baseline 300]
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.common import OUT, bench_server, run_cli, write_section
from ckg.graph.counts import graph_counts
from ckg.graph.maintenance import delete_all_data
from ckg.loaders.generator import generate

console = Console()


def _dataset(customers: int, seed: int) -> tuple[Path, float, dict[str, dict[str, int]]]:
    out = OUT / f"load-{customers}-{seed}"
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    manifest = generate(customers, seed, out)
    return out, time.perf_counter() - start, {"nodes": manifest["nodes"],
                                               "relationships": manifest["relationships"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=20_000, help="second size, to see RSS scaling")
    parser.add_argument("--baseline", type=int, default=300, help="customers in the row-by-row subset")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    rows_out: list[tuple[str, str]] = []
    with bench_server() as server, server.db() as db:
        results = {}
        for size in (args.customers, args.small):
            data, gen_s, expected = _dataset(size, args.seed)
            n_nodes = sum(expected["nodes"].values())
            n_rels = sum(expected["relationships"].values())
            n_rows = sum(json.loads((data / "manifest.json").read_text())["files"].values())
            delete_all_data(db)
            console.print(f"loading {size} customers: {n_nodes} nodes, {n_rels} relationships ...")
            run = run_cli(["load", str(data)], server.settings)
            exact = graph_counts(db) == expected
            again = run_cli(["load", str(data)], server.settings)
            results[size] = (gen_s, run, again, n_nodes, n_rels, n_rows, exact)
            shutil.rmtree(data, ignore_errors=True)

        # Row-by-row baseline: the same loader and queries, one row per transaction.
        data, _, expected = _dataset(args.baseline, args.seed)
        n_rows_base = sum(json.loads((data / "manifest.json").read_text())["files"].values())
        delete_all_data(db)
        base = run_cli(["load", str(data), "--batch-size", "1"], server.settings)
        base_exact = graph_counts(db) == expected
        delete_all_data(db)
        shutil.rmtree(data, ignore_errors=True)

    table = Table(title="ckg load benchmark")
    for col in ("run", "rows", "nodes", "rels", "seconds", "rows/s", "nodes/s", "rels/s", "peak RSS MB",
                "exact counts"):
        table.add_column(col, justify="right")
    md = ["| run | rows | nodes | relationships | seconds | rows/s | nodes/s | rels/s | loader peak RSS | "
          "counts = manifest |", "|---|---|---|---|---|---|---|---|---|---|"]

    def add(name: str, rows: int, nodes: int, rels: int, seconds: float, rss: float, exact: bool) -> None:
        cells = [name, f"{rows:,}", f"{nodes:,}", f"{rels:,}", f"{seconds:.1f}", f"{rows / seconds:,.0f}",
                 f"{nodes / seconds:,.0f}", f"{rels / seconds:,.0f}", f"{rss:.0f} MB", "yes" if exact else "NO"]
        table.add_row(*cells)
        md.append("| " + " | ".join(cells) + " |")

    for size, (gen_s, run, again, n_nodes, n_rels, n_rows, exact) in results.items():
        add(f"{size:,} customers, empty db", n_rows, n_nodes, n_rels, run.seconds, run.max_rss_mb, exact)
        add(f"{size:,} customers, re-load", n_rows, n_nodes, n_rels, again.seconds, again.max_rss_mb, exact)
        rows_out.append((f"generate {size:,} customers", f"{gen_s:.1f} s"))
    add(f"row-by-row, {args.baseline} customers", n_rows_base, sum(expected["nodes"].values()),
        sum(expected["relationships"].values()), base.seconds, base.max_rss_mb, base_exact)
    console.print(table)
    big = results[args.customers]
    ratio = (big[5] / big[1].seconds) / (n_rows_base / base.seconds)
    console.print(f"batched vs row-by-row: {ratio:.1f}x rows/s")
    for k, v in rows_out:
        console.print(f"{k}: {v}")
    body = "\n".join(md) + f"\n\nBatched ({args.customers:,} customers) vs row-by-row rows/s: **{ratio:.1f}x**.\n\n" \
        + "\n".join(f"- {k}: {v}" for k, v in rows_out) + "\n"
    write_section("Load", body, "make bench-load")


if __name__ == "__main__":
    main()
