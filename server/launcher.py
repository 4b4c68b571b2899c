"""Run the local Neo4j 5.26 Community server that ``pom.xml`` (beside this module) assembles from Maven Central.

The distribution (``lib/`` and ``plugins/`` jars) lives in ``<home>/neo4j``; an *instance*
(config, data, logs, pid file) lives in a directory of its own, so tests can run a throwaway
instance on other ports beside the demo one without touching its data.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

from ckg.graph.errors import LocalServerError, PortInUse, ToolMissing

SERVER_FILES = files("ckg.server")
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"


@dataclass(frozen=True)
class Instance:
    """Where one local server keeps its files, and the ports it listens on."""

    dist: Path  # holds lib/ and plugins/
    directory: Path  # holds conf/, data/, logs/, run/
    bolt_port: int = 7687
    http_port: int = 7474
    heap: str = "4g"
    pagecache: str = "6g"

    @property
    def conf_dir(self) -> Path:
        return self.directory / "conf"

    @property
    def pid_file(self) -> Path:
        return self.directory / "run" / "ckg-neo4j.pid"

    @property
    def log_file(self) -> Path:
        return self.directory / "logs" / "neo4j.log"

    @property
    def console_file(self) -> Path:
        return self.directory / "logs" / "console.log"

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"


def dist_dir(home: Path) -> Path:
    return home.resolve() / "neo4j"


def is_assembled(dist: Path) -> bool:
    lib, plugins = dist / "lib", dist / "plugins"
    return lib.is_dir() and any(lib.glob("neo4j-5.*.jar")) and any(plugins.glob("proc-*.jar"))


def has_import_tool(dist: Path) -> bool:
    """Whether the distribution holds ``neo4j-admin database import`` (neo4j-import-tool)."""
    return any((dist / "lib").glob("neo4j-import-tool-*.jar"))


def java_version() -> int:
    """Major version of the ``java`` on PATH (or ``JAVA_HOME``); raise :class:`ToolMissing`."""
    java = _java()
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False)
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    if not match:
        raise ToolMissing(f"cannot read the Java version from {java}")
    return int(match.group(1))


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise ToolMissing("Java 17 or newer is required to run the local Neo4j: install OpenJDK 17 "
                          "(e.g. `apt-get install openjdk-17-jre-headless`), or point CKG_NEO4J_URI "
                          "at a Neo4j you run elsewhere.")
    return found


def check_java() -> str:
    java = _java()
    major = java_version()
    if major < 17:
        raise ToolMissing(f"Neo4j 5.26 needs Java 17 or newer; {java} is Java {major}.")
    return java


def assemble(home: Path, *, quiet: bool = True) -> Path:
    """Gather Neo4j, GDS, APOC and Browser jars from Maven Central into ``<home>/neo4j``."""
    mvn = shutil.which("mvn")
    if not mvn:
        raise ToolMissing("Maven is required to assemble the local Neo4j: install it "
                          "(e.g. `apt-get install maven`), or use docker-compose.yml instead.")
    check_java()
    dist = dist_dir(home)
    # Start from empty folders so a version bump never leaves two versions of one jar.
    for sub in ("lib", "plugins"):
        shutil.rmtree(dist / sub, ignore_errors=True)
    # Maven writes target/ beside the pom, so it runs on a copy under CKG_HOME, never inside
    # site-packages (an installed wheel) or the source tree.
    build = home.resolve() / "build"
    build.mkdir(parents=True, exist_ok=True)
    pom = build / "pom.xml"
    pom.write_text(SERVER_FILES.joinpath("pom.xml").read_text(encoding="utf-8"), encoding="utf-8")
    cmd = [mvn, "-B", "-f", str(pom), "package", f"-Dckg.home={home.resolve()}"]
    if quiet:
        cmd.insert(2, "-q")
    result = subprocess.run(cmd, check=False, capture_output=quiet, text=True)
    if result.returncode != 0 or not is_assembled(dist):
        tail = (result.stdout or "")[-2000:] if quiet else ""
        raise LocalServerError(f"Maven could not assemble Neo4j into {dist}.\n{tail}")
    return dist


def write_config(inst: Instance) -> Path:
    """Render ``neo4j.conf.template`` (package data) into the instance's ``conf/neo4j.conf``."""
    for sub in ("conf", "data", "logs", "run", "import"):
        (inst.directory / sub).mkdir(parents=True, exist_ok=True)
    text = Template(SERVER_FILES.joinpath("neo4j.conf.template").read_text(encoding="utf-8")).substitute(
        bolt_port=inst.bolt_port,
        http_port=inst.http_port,
        instance=inst.directory.resolve(),
        dist=inst.dist.resolve(),
        heap=inst.heap,
        pagecache=inst.pagecache,
    )
    conf = inst.conf_dir / "neo4j.conf"
    conf.write_text(text, encoding="utf-8")
    return conf


def _env(inst: Instance) -> dict[str, str]:
    env = dict(os.environ)
    env["NEO4J_HOME"] = str(inst.dist.resolve())
    env["NEO4J_CONF"] = str(inst.conf_dir.resolve())
    return env


def _classpath(inst: Instance) -> str:
    # plugins first, as Neo4j's own launcher does: GDS registers kernel extensions from there.
    return f"{inst.dist.resolve() / 'plugins'}/*:{inst.dist.resolve() / 'lib'}/*"


def set_initial_password(inst: Instance, password: str) -> None:
    """Set the ``neo4j`` user's password; only effective before the first start."""
    if len(password) < 8:
        raise LocalServerError("CKG_NEO4J_PASSWORD must be at least 8 characters (Neo4j's rule).")
    java = check_java()
    result = subprocess.run(
        [java, "-cp", _classpath(inst), ADMIN_TOOL, "dbms", "set-initial-password", password],
        env=_env(inst), capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        first = next((ln for ln in (result.stderr + result.stdout).splitlines()
                      if ln.strip() and not ln.lstrip().startswith("at ")), "no output")
        raise LocalServerError(f"could not set the initial password: {first.strip()}")


def import_full(inst: Instance, database: str, arguments: list[str], *, heap: str = "1g",
                off_heap: str = "2g", threads: int | None = None) -> Path:
    """Run ``neo4j-admin database import full`` (org.neo4j.cli.AdminTool, from neo4j-import-tool) into
    the stopped instance's ``database``, replacing what it holds. Returns the import report file."""
    if read_pid(inst) is not None:
        raise LocalServerError("stop the server before a bulk import")
    java = check_java()
    write_config(inst)
    report = inst.directory / "logs" / "import.report"
    log = inst.directory / "logs" / "import.log"
    cmd = [java, f"-Xmx{heap}", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
           "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
           "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Dfile.encoding=UTF-8",
           "-cp", _classpath(inst), ADMIN_TOOL, "database", "import", "full", database,
           "--overwrite-destination=true", "--id-type=string", f"--max-off-heap-memory={off_heap}",
           f"--report-file={report}", *([f"--threads={threads}"] if threads else []), *arguments]
    with open(log, "wb") as out:
        result = subprocess.run(cmd, env=_env(inst), stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, check=False)
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise LocalServerError(f"neo4j-admin database import failed (exit {result.returncode}); "
                               f"see {log}:\n{tail}")
    return report


def configured_bolt_port(inst: Instance) -> int | None:
    """The Bolt port the instance's generated ``neo4j.conf`` names (None before its first start)."""
    try:
        text = (inst.conf_dir / "neo4j.conf").read_text()
    except OSError:
        return None
    match = re.search(r"^server\.bolt\.listen_address=.*:(\d+)\s*$", text, re.M)
    return int(match.group(1)) if match else None


def link_distribution(dist: Path, home: Path) -> Path:
    """A ``CKG_HOME`` whose ``neo4j/lib`` and ``neo4j/plugins`` link to ``dist``: ``ckg`` commands run
    with it manage a throwaway instance in ``home/neo4j/instance`` (tests, benchmarks)."""
    linked = home / "neo4j"
    linked.mkdir(parents=True, exist_ok=True)
    for sub in ("lib", "plugins"):
        if not (linked / sub).exists():
            (linked / sub).symlink_to(dist.resolve() / sub, target_is_directory=True)
    return linked


def read_pid(inst: Instance) -> int | None:
    """The server's pid if its pid file names a live process."""
    try:
        pid = int(inst.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def start(inst: Instance, password: str, timeout: float = 180.0) -> bool:
    """Start the server unless it runs already; wait until Bolt answers.

    Returns True when it was started, False when it was already running.
    """
    if not is_assembled(inst.dist):
        raise LocalServerError(f"Neo4j is not assembled in {inst.dist}: run `make setup` first.")
    if read_pid(inst) is not None:
        _wait_for_bolt(inst, timeout)
        return False
    for port in (inst.bolt_port, inst.http_port):
        if port_open(port):
            raise PortInUse(f"port {port} on 127.0.0.1 is in use by another process; stop it or "
                            "choose other ports (CKG_NEO4J_URI, CKG_NEO4J_HTTP_PORT).")
    java = check_java()
    write_config(inst)
    if not (inst.data_dir / "dbms").exists():
        set_initial_password(inst, password)
    cmd = [
        java, f"-Xms{inst.heap}", f"-Xmx{inst.heap}", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "-Dfile.encoding=UTF-8",
        "-cp", _classpath(inst), ENTRY_POINT,
        f"--home-dir={inst.dist.resolve()}", f"--config-dir={inst.conf_dir.resolve()}",
    ]
    with open(inst.console_file, "ab") as console:
        proc = subprocess.Popen(cmd, env=_env(inst), stdout=console, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    inst.pid_file.write_text(str(proc.pid))
    try:
        _wait_for_bolt(inst, timeout, proc)
    except LocalServerError:
        stop(inst)
        raise
    return True


def _wait_for_bolt(inst: Instance, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise LocalServerError(f"Neo4j exited with code {proc.returncode} while starting.\n"
                                   + tail_log(inst, 15))
        if port_open(inst.bolt_port) and port_open(inst.http_port):
            return
        time.sleep(0.5)
    raise LocalServerError(f"Neo4j did not open Bolt port {inst.bolt_port} within {timeout:.0f}s.\n"
                           + tail_log(inst, 15))


def stop(inst: Instance, timeout: float = 60.0) -> bool:
    """Stop gracefully (SIGTERM, then SIGKILL after ``timeout``). False if it was not running."""
    pid = read_pid(inst)
    if pid is None:
        inst.pid_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            break
        time.sleep(0.2)
    else:
        os.kill(pid, signal.SIGKILL)
    inst.pid_file.unlink(missing_ok=True)
    return True


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); /proc tells us it is gone.
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        return state != "Z"
    except OSError:
        return True


def tail_log(inst: Instance, lines: int = 40) -> str:
    for path in (inst.log_file, inst.console_file):
        if path.exists():
            return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return "(no log yet)"
