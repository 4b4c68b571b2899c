"""Louvain on a large social graph: GDS against networkx, and what writing the result costs.

    python -m bench communities [--customers 100000] [--seed 7] [--networkx-cap 1800]
    python -m bench communities --data DIR        # a dataset ``ckg generate`` already wrote
    python -m bench communities --loaded          # the server (CKG_BENCH_NEO4J_URI) holds it already

Generates a dataset, loads the files the social graph needs (customers, products and their
catalogue, referrals, shares) with ``ckg load`` into a throwaway Neo4j, then times the community
derivation (:func:`ckg.graph.algorithms.social.detect`: the social graph read from the database,
Louvain with every level, the level chosen by the planted-partition fit) on each engine. networkx
runs in a child process stopped after ``--networkx-cap`` seconds (default 30 min): past it the
speed-up is reported as at least cap / GDS time. Also times GDS mutate + stream against GDS write
mode, and the ``louvain_social`` family's first run (every membership written) and a second one
over the unchanged graph (nothing written).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from queue import Empty

from rich.console import Console

from bench.common import OUT, bench_server, run_cli, write_section
from ckg.graph.algorithms import social
from ckg.graph.algorithms.gds import projected
from ckg.graph.db import Database
from ckg.graph.maintenance import delete_all_data
from ckg.graph.queries import queries
from ckg.graph.settings import Settings
from ckg.graph.tags.algorithm_families import AlgorithmRun, louvain_social
from ckg.loaders.evaluation import adjusted_rand_index
from ckg.loaders.generator import generate

console = Console()
SOCIAL_FILES = ("customers", "channels", "categories", "brands", "products", "referrals", "shares",
                "share_reaches")
#: networkx is stopped past this many seconds (a pure-Python Louvain on millions of ties takes hours).
NETWORKX_CAP = 1800.0


@dataclass
class EngineRun:
    seconds: float | None  # None: stopped at the cap
    members: dict[str, int]
    level: int | None
    levels: int
    groups: int


def _load_average() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _timed_detect(settings: Settings, engine: str) -> EngineRun:
    with Database(settings) as db:
        started = time.perf_counter()
        found = social.detect(db, engine)  # type: ignore[arg-type]
        seconds = time.perf_counter() - started
    chosen = found.chosen
    return EngineRun(seconds, found.members, chosen.level if chosen else None, len(found.levels),
                     chosen.groups if chosen else 0)


def _child(settings: Settings, engine: str, queue: mp.Queue) -> None:  # type: ignore[type-arg]
    queue.put(_timed_detect(settings, engine))


def _networkx_with_cap(settings: Settings, cap: float) -> EngineRun:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    proc = ctx.Process(target=_child, args=(settings, "networkx", queue))
    proc.start()
    try:
        result: EngineRun = queue.get(timeout=cap)
    except Empty:
        proc.terminate()
        proc.join(30)
        return EngineRun(None, {}, None, 0, 0)
    proc.join()
    if proc.exitcode:
        raise SystemExit(f"networkx child failed with exit code {proc.exitcode}")
    return result


def _gds_modes(db: Database) -> dict[str, float]:
    """Seconds for Louvain in mutate mode plus streaming the levels, against write mode."""
    times: dict[str, float] = {}
    with projected(db, queries.algorithms.project_social_communities, kind=social.KIND) as name:
        t0 = time.perf_counter()
        db.read(queries.algorithms.mutate_louvain_levels, graph=name, seeded=False)
        db.read(queries.algorithms.mutate_degree, graph=name)
        times["mutate"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        db.read_plain(queries.algorithms.stream_louvain_levels, graph=name)  # as graph.algorithms.social reads it
        times["stream"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        db.write(queries.algorithms.write_louvain_levels, graph=name, property="benchLouvainLevels")
        times["write"] = time.perf_counter() - t0
    db.run_autocommit(queries.algorithms.remove_customer_property, property="benchLouvainLevels")
    return times


def _social_subset(data: Path) -> Path:
    out = data.parent / f"{data.name}-social"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name in SOCIAL_FILES:
        if (data / f"{name}.csv").exists():
            os.link(data / f"{name}.csv", out / f"{name}.csv")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench communities", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, help="an existing dataset directory (skip generating)")
    parser.add_argument("--loaded", action="store_true", help="the server holds the dataset already")
    parser.add_argument("--networkx-cap", type=float, default=NETWORKX_CAP, help="seconds before networkx is stopped")
    args = parser.parse_args(argv)

    loads = [f"before: {_load_average()}"]
    generated = None
    if not args.loaded and args.data is None:
        generated = OUT / f"communities-{args.customers}-{args.seed}"
        shutil.rmtree(generated, ignore_errors=True)
        console.print(f"generating {args.customers:,} customers ...")
        generate(args.customers, args.seed, generated)
    with bench_server(heap="6g", pagecache="4g") as server, server.db() as db:
        load_s = None
        if not args.loaded:
            subset = _social_subset(args.data or generated)  # type: ignore[arg-type]
            delete_all_data(db)
            console.print("loading the social graph ...")
            load = run_cli(["load", str(subset)], server.settings)
            if load.returncode != 0:
                raise SystemExit(f"ckg load failed (exit code {load.returncode})")
            load_s = load.seconds
            shutil.rmtree(subset, ignore_errors=True)
        counts = db.read(queries.algorithms.count_social_graph)[0]
        console.print(f"social graph: {counts['customers']:,} customers in ties, {counts['ties']:,} ties")

        console.print("GDS ...")
        gds = _timed_detect(server.settings, "gds")
        loads.append(f"after GDS: {_load_average()}")
        modes = _gds_modes(db)
        console.print(f"networkx (cap {args.networkx_cap:.0f} s) ...")
        nx_run = _networkx_with_cap(server.settings, args.networkx_cap)
        loads.append(f"after networkx: {_load_average()}")

        run = AlgorithmRun(db, "gds", "2026-11-01T00:00:00Z")
        t0 = time.perf_counter()
        louvain_social(run)
        first_s = time.perf_counter() - t0
        before = db.read_plain(queries.algorithms.stream_community_members, kind=social.KIND)[0]["members"]
        t0 = time.perf_counter()
        louvain_social(run)
        second_s = time.perf_counter() - t0
        after = db.read_plain(queries.algorithms.stream_community_members, kind=social.KIND)[0]["members"]
        unchanged = sorted(map(tuple, before)) == sorted(map(tuple, after))
    if generated is not None:
        shutil.rmtree(generated, ignore_errors=True)

    agree = "n/a (networkx stopped)"
    if nx_run.seconds is not None:
        ids = sorted(gds.members)
        agree = f"{adjusted_rand_index([gds.members[i] for i in ids], [nx_run.members.get(i, -1) for i in ids]):.3f}"
    assert gds.seconds is not None
    if nx_run.seconds is None:
        nx_text = f"stopped at the cap, {args.networkx_cap:.0f} s"
        speedup = f">= {args.networkx_cap / gds.seconds:.1f}x (networkx stopped at the cap)"
    else:
        nx_text = (f"{nx_run.seconds:.1f} s (level {nx_run.level} of {nx_run.levels}, "
                   f"{nx_run.groups:,} communities)")
        speedup = f"{nx_run.seconds / gds.seconds:.1f}x"
    rows = [
        ("social graph", f"{counts['customers']:,} customers in ties, {counts['ties']:,} ties "
                         f"({args.customers:,} customers generated, seed {args.seed})"),
        ("load of the social files (`ckg load`)", f"{load_s:.0f} s" if load_s is not None else "n/a (--loaded)"),
        ("communities, GDS (project + Louvain mutate + level choice)",
         f"{gds.seconds:.1f} s (level {gds.level} of {gds.levels}, {gds.groups:,} communities)"),
        ("communities, networkx (read ties + Louvain + level choice)", nx_text),
        ("GDS speed-up over networkx", f"{speedup} (target >= 20x at 1M)"),
        ("ARI between the engines' communities", agree),
        ("GDS Louvain mutate (+ degree) / stream levels / write mode",
         f"{modes['mutate']:.1f} s / {modes['stream']:.1f} s / {modes['write']:.1f} s"),
        ("louvain_social family, first run (every membership written)", f"{first_s:.1f} s"),
        ("louvain_social family, unchanged graph (nothing written)",
         f"{second_s:.1f} s, ids {'identical' if unchanged else 'CHANGED'}"),
        ("load average (1/5/15 min)", "; ".join(loads)),
    ]
    for k, v in rows:
        console.print(f"{k}: {v}")
    body = "| measure | value |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in rows) + "\n"
    if not unchanged:
        raise SystemExit("community ids changed on an unchanged graph")
    write_section(f"Communities ({args.customers:,} customers)", body,
                  f"python -m bench communities --customers {args.customers}")


if __name__ == "__main__":
    main()
