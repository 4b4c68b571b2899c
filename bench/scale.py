"""Scale benchmark: the whole life of a dataset through the real ``ckg`` command, at N customers.

    python -m bench scale [--customers 20000] [--seed 7] [--heap 4g] [--pagecache 6g]

Every step is a child process (``python -m ckg ...``) whose exit code is checked: a failed step
fails the benchmark. In order: generate, the first load (``--mode import`` when ``ckg load --help``
offers it, else online), the first full refresh, a refresh with nothing changed, an increment (new
events and orders for 1% of the customers, written as a small dataset and loaded online) and the
refresh after it, then GDS vs networkx Louvain (``python -m bench communities``, when it exists).

It runs its own Neo4j (ports 17753/17754 by default) with its own ``CKG_HOME`` under
``bench/out/scale-N/``, whose ``neo4j/lib`` and ``neo4j/plugins`` link to the assembled
distribution: that server is the "local server" of the children, so the bulk import may stop and
restart it, and the demo and the tests are never touched. The table goes to the section
"Scale, N customers" of bench/RESULTS.md with the machine, the date, the command and the load.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bench.common import OUT, ROOT, write_section
from ckg.graph.counts import graph_counts
from ckg.graph.db import Database
from ckg.graph.queries import queries
from ckg.graph.settings import Settings
from ckg.loaders.format import HEADERS
from ckg.loaders.generator import CATEGORY_MAP_FILE

console = Console()
PASSWORD = "ckg-bench-scale-password"
INCREMENT_SHARE = 0.01
_WRITES = re.compile(r"tag writes: (\d+) relationships created, (\d+) deleted, (\d+) properties set")
_SKIPPED = re.compile(r"unchanged inputs: (\d+) of (\d+) stages skipped")


class StepFailed(Exception):
    """A child process exited with a non-zero code."""


@dataclass
class Step:
    name: str
    seconds: float
    rss_mb: float
    stdout: str
    rate: str = ""
    detail: str = ""
    began: str = ""  # UTC clock time the child started
    load: str = ""  # 1-minute load average when it ended (other work on the host shows here)


@dataclass
class Scale:
    """One run: where it lives, how the children reach its server, and what it measured."""

    customers: int
    seed: int
    heap: str
    pagecache: str
    bolt_port: int
    http_port: int
    work: Path
    steps: list[Step] = field(default_factory=list)

    @property
    def home(self) -> Path:
        return self.work / "home"

    @property
    def data(self) -> Path:
        return self.work / "data"

    @property
    def increment(self) -> Path:
        return self.work / "increment"

    @property
    def instance(self) -> Path:
        return self.home / "neo4j" / "instance"

    def env(self) -> dict[str, str]:
        return {**os.environ, "CKG_HOME": str(self.home), "CKG_NEO4J_URI": f"bolt://127.0.0.1:{self.bolt_port}",
                "CKG_NEO4J_PASSWORD": PASSWORD, "CKG_NEO4J_HTTP_PORT": str(self.http_port),
                "CKG_NEO4J_HEAP": self.heap, "CKG_NEO4J_PAGECACHE": self.pagecache,
                "CKG_CATEGORY_MAP": str(self.data / CATEGORY_MAP_FILE),
                # bench communities --loaded runs on this server
                "CKG_BENCH_NEO4J_URI": f"bolt://127.0.0.1:{self.bolt_port}", "CKG_BENCH_NEO4J_PASSWORD": PASSWORD}

    def settings(self) -> Settings:
        return Settings(neo4j_uri=f"bolt://127.0.0.1:{self.bolt_port}", neo4j_password=PASSWORD,
                        neo4j_http_port=self.http_port, home=self.home)

    def run(self, name: str, args: list[str], module: str = "ckg") -> Step:
        """``python -m MODULE ARGS`` as a child: wall time, peak RSS; a non-zero exit fails the run.

        Its output goes to ``logs/NN-step.log`` in the run's directory (kept for a look afterwards).
        """
        self.save_table()  # with the detail the last step got after it returned
        console.print(f"[bold]{name}[/]: python -m {module} {' '.join(args)}")
        logs = self.work / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log = logs / f"{len(self.steps):02d}-{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.log"
        began = datetime.now(UTC).strftime("%H:%M")
        start = time.perf_counter()
        with open(log, "w", encoding="utf-8") as fh:
            proc = subprocess.Popen([sys.executable, "-m", module, *args], env={**self.env(), "COLUMNS": "200"},
                                    cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out = log.read_text(encoding="utf-8", errors="replace")
        if code != 0:
            tail = "\n".join(out.strip().splitlines()[-15:])
            raise StepFailed(f"{name} failed (exit {code}; {log}):\n{tail}")
        step = Step(name, seconds, usage.ru_maxrss / 1024, out, began=began, load=f"{os.getloadavg()[0]:.1f}")
        self.steps.append(step)
        console.print(f"  {seconds:,.1f} s")
        self.save_table()
        return step

    def table(self) -> list[str]:
        """The steps so far as Markdown table rows."""
        md = ["| step | began (UTC) | seconds | rate | child peak RSS | load after | detail |",
              "|---|---|---|---|---|---|---|"]
        md += ["| " + " | ".join(_cells(s)) + " |" for s in self.steps]
        return md

    def save_table(self) -> None:
        """``table.md`` in the run's directory, rewritten after every step: a run cut off (a session's
        end, a kill) still leaves what it measured, and the detail a step adds after it returns
        (rates, counts) is there from the next step on and at the end."""
        (self.work / "table.md").write_text("\n".join(self.table()) + "\n")


def _cells(step: Step) -> list[str]:
    return [step.name, step.began, f"{step.seconds:,.1f}", step.rate, f"{step.rss_mb:,.0f} MB", step.load,
            step.detail]


def _link_distribution(scale: Scale) -> None:
    """CKG_HOME/neo4j/{lib,plugins} -> the assembled distribution; the instance directory is ours."""
    dist = Settings().home.resolve() / "neo4j"
    target = scale.home / "neo4j"
    target.mkdir(parents=True, exist_ok=True)
    for part in ("lib", "plugins"):
        link = target / part
        if not link.is_symlink() and not link.exists():
            link.symlink_to(dist / part)


def _store_mb(scale: Scale) -> str:
    """The database's store files and its transaction logs on disk."""
    sizes = []
    for sub in ("databases/neo4j", "transactions/neo4j"):
        total = sum(p.stat().st_size for p in (scale.instance / "data" / sub).rglob("*") if p.is_file())
        sizes.append(total / 2**20)
    return f"store {sizes[0]:,.0f} MB + {sizes[1]:,.0f} MB transaction logs"


def _server_rss_mb(scale: Scale) -> float | None:
    pid_file = scale.instance / "run" / "ckg-neo4j.pid"
    try:
        pid = pid_file.read_text().strip()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _writes(step: Step) -> str:
    m = _WRITES.search(step.stdout)
    if not m:
        return "tag writes not reported"
    created, deleted, props = (int(g) for g in m.groups())
    skipped = _SKIPPED.search(step.stdout)
    return (f"{created:,} rels created, {deleted:,} deleted, {props:,} properties set"
            + (f"; {skipped.group(1)} of {skipped.group(2)} stages skipped (unchanged inputs)" if skipped else ""))


def write_increment(data: Path, out: Path, share: float, seed: int) -> dict[str, int]:
    """New events and orders for ``share`` of the customers of ``data``, as a small dataset in ``out``.

    They fall within the day after the data's end, as the next day's data would: the refresh after
    them runs as of a later time (the data's end moves by up to a day), so the versions they end or
    move become history (``HAD_TAG`` with ``validFrom < validTo``). Data dated before the data's end
    would replace versions that began at that same "now", which leave no history (a version of no
    length; cypher/tags/end_customer_tags.cypher).
    """
    rng = random.Random(seed)
    with open(data / "customers.csv", encoding="utf-8") as fh:
        customers = [row[0] for row in csv.reader(fh)][1:]
    with open(data / "products.csv", encoding="utf-8") as fh:
        products = [(row[0], float(row[4])) for row in list(csv.reader(fh))[1:]]
    as_of = datetime.fromisoformat(json.loads((data / "manifest.json").read_text())["generator"]["asOf"])
    chosen = rng.sample(customers, max(1, int(len(customers) * share)))
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    counts = {"orders": 0, "order_items": 0, "events": 0}
    with open(out / "orders.csv", "w", encoding="utf-8", newline="") as of, \
            open(out / "order_items.csv", "w", encoding="utf-8", newline="") as itf, \
            open(out / "events.jsonl", "w", encoding="utf-8") as ef:
        orders, items = csv.writer(of, lineterminator="\n"), csv.writer(itf, lineterminator="\n")
        orders.writerow(HEADERS["orders.csv"])
        items.writerow(HEADERS["order_items.csv"])
        for n, cid in enumerate(chosen):
            at = as_of + timedelta(days=rng.uniform(0.1, 1))
            stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
            for k in range(rng.randint(1, 5)):
                sku, _ = rng.choice(products)
                kind = rng.choice(["view", "view", "cart", "favorite"])
                record = {"eventId": f"einc{n:07d}-{k}", "customerId": cid, "type": kind, "at": stamp,
                          "device": "mobile", "sku": sku}
                ef.write(json.dumps(record, separators=(",", ":")) + "\n")
                counts["events"] += 1
            oid = f"oinc{n:07d}"
            lines = {sku: price for sku, price in (rng.choice(products) for _ in range(rng.randint(1, 3)))}
            total = sum(lines.values())
            orders.writerow([oid, cid, "", stamp, f"{total:.2f}", "USD", f"{total:.2f}", "", "delivered", "",
                             "false", "mobile"])
            counts["orders"] += 1
            for sku, price in lines.items():
                items.writerow([oid, sku, 1, f"{price:.2f}"])
                counts["order_items"] += 1
    return {**counts, "customers": len(chosen)}


def _entities(db: Database) -> int:
    counts = graph_counts(db)
    return sum(counts["nodes"].values()) + sum(counts["relationships"].values())


def _memberships(db: Database) -> dict[str, object]:
    return {r["id"]: r["community"] for r in db.read(queries.evaluation.stream_memberships, kind="social")}


def _load_mode() -> str:
    """``import`` when this ckg's ``load`` offers the bulk import, else ``online``."""
    out = subprocess.run([sys.executable, "-m", "ckg", "load", "--help"], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "COLUMNS": "200"}, check=True).stdout
    return "import" if "--mode" in out and "import" in out else "online"


def measure(scale: Scale, reuse_data: bool, networkx_cap: float | None) -> list[str]:
    """Run every step; returns notes for the report (the steps are in ``scale.steps``)."""
    notes: list[str] = []
    n = scale.customers
    if reuse_data and (scale.data / "manifest.json").exists():
        notes.append(f"dataset reused from {scale.data} (generated by an earlier run)")
    else:
        shutil.rmtree(scale.data, ignore_errors=True)
        gen = scale.run("generate", ["generate", "--customers", str(n), "--seed", str(scale.seed),
                                     "--out", str(scale.data)])
        gen.rate = f"{n / gen.seconds:,.0f} customers/s"
    manifest = json.loads((scale.data / "manifest.json").read_text())
    expected = {"nodes": manifest["nodes"], "relationships": manifest["relationships"]}
    entities = sum(manifest["nodes"].values()) + sum(manifest["relationships"].values())

    mode = _load_mode()
    scale.run("start server", ["db", "start", "--timeout", "900"])
    if mode == "online":
        scale.run("schema", ["db", "init"])
        notes.append("`ckg load` has no --mode import here: the first load is the online MERGE load")
    load = scale.run(f"first load ({mode})", ["load", str(scale.data), "--mode", mode]
                     if mode == "import" else ["load", str(scale.data)])
    with Database(scale.settings()) as db:
        exact = graph_counts(db) == expected
    store = _store_mb(scale)
    load.rate = f"{entities / load.seconds:,.0f} entities/s"
    load.detail = (f"{entities:,} nodes + relationships; counts = manifest: {'yes' if exact else 'NO'}; "
                   f"{store}")
    if not exact:
        raise StepFailed("the first load's counts differ from the manifest")

    first = scale.run("first full refresh", ["tags", "refresh"])
    first.detail = f"{_writes(first)}; after it: {_store_mb(scale)}"
    with Database(scale.settings()) as db:
        before = _memberships(db)
    again = scale.run("refresh, nothing changed", ["tags", "refresh"])
    with Database(scale.settings()) as db:
        after = _memberships(db)
    same = sum(1 for cid, k in before.items() if after.get(cid) == k)
    again.detail = (f"{_writes(again)}; community ids kept: {same:,} of {len(before):,} members"
                    + ("" if len(after) == len(before) else f" ({len(after):,} members after)"))

    inc = write_increment(scale.data, scale.increment, INCREMENT_SHARE, scale.seed)
    with Database(scale.settings()) as db:
        entities_before = _entities(db)
    step = scale.run("increment load (online)", ["load", str(scale.increment), "--mode", "online"]
                     if mode == "import" else ["load", str(scale.increment)])
    with Database(scale.settings()) as db:
        added = _entities(db) - entities_before
    step.rate = f"{added / step.seconds:,.0f} entities/s"
    step.detail = (f"{inc['customers']:,} customers: {inc['orders']:,} orders, {inc['order_items']:,} items, "
                   f"{inc['events']:,} events; {added:,} nodes + relationships added")
    after_inc = scale.run("refresh after the increment", ["tags", "refresh"])
    with Database(scale.settings()) as db:
        rels = graph_counts(db)["relationships"]
    after_inc.detail = f"{_writes(after_inc)}; HAD_TAG versions in the graph: {rels.get('HAD_TAG', 0):,}"
    server_rss = _server_rss_mb(scale)
    if server_rss is not None:
        notes.append(f"Neo4j server peak RSS (since its last start): {server_rss:,.0f} MB")
    notes.append(f"after the first load: {store} (data/databases/neo4j, data/transactions/neo4j)")

    if networkx_cap is not None and (ROOT / "bench" / "communities.py").exists():
        # On the graph this run loaded and refreshed (it writes its own section of RESULTS.md).
        louvain = scale.run("Louvain, GDS vs networkx", ["communities", "--customers", str(n), "--loaded",
                                                         "--networkx-cap", f"{networkx_cap:.0f}"], module="bench")
        speedup = re.search(r"GDS speed-up over networkx: ([^\n]*)", louvain.stdout)
        louvain.detail = ("python -m bench communities --loaded (section Communities of RESULTS.md)"
                          + (f"; GDS speed-up over networkx: {speedup.group(1).strip()}" if speedup else ""))
    else:
        notes.append("TODO: GDS vs networkx Louvain: `python -m bench communities` does not exist yet"
                     if networkx_cap is not None else "GDS vs networkx Louvain skipped (--no-communities)")
    return notes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--heap", default="4g", help="Neo4j heap (CKG_NEO4J_HEAP of the children)")
    parser.add_argument("--pagecache", default="6g", help="Neo4j page cache (CKG_NEO4J_PAGECACHE)")
    parser.add_argument("--bolt-port", type=int, default=17753)
    parser.add_argument("--http-port", type=int, default=17754)
    parser.add_argument("--reuse-data", action="store_true", help="keep an earlier run's generated dataset")
    parser.add_argument("--networkx-cap", type=float, default=1800.0,
                        help="seconds before networkx Louvain is stopped (bench communities)")
    parser.add_argument("--no-communities", dest="communities", action="store_false",
                        help="skip GDS vs networkx Louvain")
    parser.add_argument("--no-results", dest="results", action="store_false",
                        help="print the table only; leave bench/RESULTS.md alone")
    args = parser.parse_args(argv)

    scale = Scale(args.customers, args.seed, args.heap, args.pagecache, args.bolt_port, args.http_port,
                  OUT / f"scale-{args.customers}-{args.seed}")
    load_before = os.getloadavg()
    _link_distribution(scale)
    shutil.rmtree(scale.work / "logs", ignore_errors=True)
    if scale.instance.exists():  # the benchmark owns this instance: a fresh, empty server every run
        subprocess.run([sys.executable, "-m", "ckg", "db", "stop"], env=scale.env(), cwd=ROOT,
                       capture_output=True, check=False)
        shutil.rmtree(scale.instance)
    failure: StepFailed | None = None
    try:
        notes = measure(scale, args.reuse_data, args.networkx_cap if args.communities else None)
    except StepFailed as exc:
        failure, notes = exc, []
    finally:
        subprocess.run([sys.executable, "-m", "ckg", "db", "stop"], env=scale.env(), cwd=ROOT,
                       capture_output=True, check=False)
    load_after = os.getloadavg()

    table = Table(title=f"ckg at {args.customers:,} customers")
    for col in ("step", "began (UTC)", "seconds", "rate", "child peak RSS", "load after", "detail"):
        table.add_column(col, justify="left" if col in ("step", "detail") else "right")
    for s in scale.steps:
        table.add_row(*_cells(s))
    console.print(table)
    md = scale.table()
    scale.save_table()  # kept for a failed or --no-results run
    for note in notes:
        console.print(f"- {note}")
    if failure is not None:
        console.print(f"[red]{failure}[/]")
        sys.exit(1)
    if args.results:
        load = (f"load average (1/5/15 min) {load_before[0]:.1f}/{load_before[1]:.1f}/{load_before[2]:.1f} "
                f"before, {load_after[0]:.1f}/{load_after[1]:.1f}/{load_after[2]:.1f} after")
        body = (f"Neo4j heap {args.heap}, page cache {args.pagecache}; seed {args.seed}; {load} (other "
                "sessions share the machine).\n\n" + "\n".join(md) + "\n\n"
                + "\n".join(f"- {note}" for note in notes) + "\n")
        command = f"python -m bench scale --customers {args.customers} --heap {args.heap} " \
                  f"--pagecache {args.pagecache}"
        write_section(f"Scale, {args.customers:,} customers", body, command)


if __name__ == "__main__":
    main()
