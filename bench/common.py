"""What every benchmark shares: a throwaway Neo4j, machine facts, and the RESULTS.md writer."""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ckg.graph.db import Database
from ckg.graph.schema import apply_schema
from ckg.graph.settings import Settings
from ckg.server import launcher

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
OUT = ROOT / "bench" / "out"
BENCH_PASSWORD = "ckg-bench-password"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        text = Path("/proc/cpuinfo").read_text()
        if m := re.search(r"model name\s*:\s*(.+)", text):
            cpu = m.group(1).strip()
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, " \
           f"Python {platform.python_version()}"


@dataclass
class BenchServer:
    settings: Settings
    instance: launcher.Instance | None

    def db(self, category_map: Path | None = None) -> Database:
        """A connection; ``category_map``: the dataset's own mapping (``ckg generate`` writes one)."""
        db = Database(self.settings.model_copy(update={"category_map": category_map}))
        db.ping()
        return db


@contextmanager
def bench_server(heap: str = "4g", pagecache: str = "4g") -> Iterator[BenchServer]:
    """A throwaway Neo4j on ports 27687/27474 (or CKG_BENCH_NEO4J_URI), schema applied."""
    external = os.environ.get("CKG_BENCH_NEO4J_URI")
    if external:
        settings = Settings(neo4j_uri=external,
                            neo4j_password=os.environ.get("CKG_BENCH_NEO4J_PASSWORD", BENCH_PASSWORD))
        server = BenchServer(settings, None)
        with server.db() as db:
            apply_schema(db)
        yield server
        return
    home = Settings().home
    dist = launcher.dist_dir(home)
    directory = Path(tempfile.mkdtemp(prefix="ckg-bench-neo4j-"))
    bolt = int(os.environ.get("CKG_BENCH_BOLT_PORT", "27687"))
    http = int(os.environ.get("CKG_BENCH_HTTP_PORT", "27474"))
    inst = launcher.Instance(dist=dist, directory=directory, bolt_port=bolt, http_port=http,
                                 heap=heap, pagecache=pagecache)
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{bolt}", neo4j_password=BENCH_PASSWORD,
                        neo4j_http_port=http, home=home)
    launcher.start(inst, BENCH_PASSWORD)
    try:
        server = BenchServer(settings, inst)
        with server.db() as db:
            apply_schema(db)
        yield server
    finally:
        launcher.stop(inst)
        shutil.rmtree(directory, ignore_errors=True)


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    returncode: int


def run_cli(args: list[str], settings: Settings) -> Run:
    """Run ``ckg ARGS`` in a child process; wall time and the child's peak RSS."""
    env = {**os.environ, "CKG_NEO4J_URI": settings.neo4j_uri, "CKG_NEO4J_PASSWORD": settings.password,
           "CKG_HOME": str(OUT / "home")}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "ckg", *args], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    return Run(seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status))


def write_section(name: str, body: str, command: str) -> None:
    """Replace (or add) the section ``## name`` of bench/RESULTS.md."""
    header = "# Benchmark results\n\nEach section is rewritten by its benchmark; numbers are from one run.\n"
    text = RESULTS.read_text() if RESULTS.exists() else header
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (f"## {name}\n\n- date: {stamp}\n- machine: {machine()}\n- command: `{command}`\n\n"
               f"{body.strip()}\n")
    pattern = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section
    RESULTS.write_text(text)
