"""Benchmark the pages as production serves them: `make bench SCALE=1000`.

1. A fresh database (an SQLite file in a temporary directory, or `--database-url` for
   PostgreSQL), migrated with `flask db upgrade`, districts and postal codes loaded with the
   `flask districts` commands, then SCALE accounts and every feature's data at that scale
   (`participate.seeding.bench.seed`, which calls each feature's `bench_seed(ctx, scale)`).
2. SQL queries per request, counted in this process through the Flask test client.
3. gunicorn with 2 sync workers on a free port of 127.0.0.1, as in production.
4. wrk (or a small threaded Python client when wrk is missing) against each URL for a fixed
   duration; a Markdown table to stdout and to bench-results/<timestamp>.md.

Not part of the test suite. Nothing leaves 127.0.0.1. docs/performance.md explains the method.
"""

from __future__ import annotations

import argparse
import http.client
import json
import logging
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402  (after the path set-up, like the app imports below)

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
# Never benchmark into these: CI's database and PostgreSQL's own.
PROTECTED_DATABASES = {"test", "postgres", "template0", "template1"}

STATIC_BASELINE = "/static/css/site.css"
BASELINE = "/healthz"
# The site shell: always measured, in this order, before the features' pages.
CORE_URLS = [STATIC_BASELINE, BASELINE, "/fi/", "/sv/", "/en/", "/fi/account/login"]
# List and map pages of design.md's stable routes: measured when they answer 200, so a
# feature without BENCH_URLS still shows up. Detail pages need ids: only BENCH_URLS has them.
CANDIDATE_URLS = [
    "/fi/initiatives/",
    "/fi/initiatives/map",
    "/fi/councillors/",
    "/fi/activities/",
    "/api/v1/initiatives",
    "/api/v1/activities",
    "/api/v1/districts",
    "/api/v1/councillors",
]

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, "
    .. "\\"p95_us\\": %d, \\"errors\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


# The default run stays under about 3 minutes however many pages the features list.
DEFAULT_DURATION = 5
MIN_DURATION = 2
LOAD_BUDGET = 120


def default_duration(urls: int) -> int:
    """Seconds per URL so that every URL plus the closing baseline fit the budget."""
    return max(MIN_DURATION, min(DEFAULT_DURATION, LOAD_BUDGET // (urls + 1)))


class BenchError(RuntimeError):
    """The benchmark cannot run; the message says why."""


@dataclass
class Row:
    """One URL: what the in-process count and the load run found."""

    url: str
    kind: str = ""  # "baseline", "core" or "feature"
    status: int = 0
    queries: int | None = None
    cold_queries: int | None = None
    body_bytes: int = 0
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    requests: int = 0
    errors: int = 0
    cpu_ms: float | None = None


@dataclass
class Report:
    args: argparse.Namespace
    database_label: str = ""
    database_version: str = ""
    loader: str = ""
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seed_lines: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seed_seconds: float = 0.0
    total_seconds: float = 0.0
    load_before: float = 0.0
    load_after: float = 0.0
    baseline_end: Row | None = None
    started: datetime = field(default_factory=lambda: datetime.now(UTC))


def log(message: str) -> None:
    print(f"· {message}", file=sys.stderr, flush=True)


# --- arguments and safety ------------------------------------------------------------------


def parse_duration(text: str) -> int:
    """Whole seconds from `10`, `10s` or `1m` (wrk's own units)."""
    match = re.fullmatch(r"(\d+)\s*([sm]?)", text.strip())
    if not match or int(match.group(1)) == 0:
        raise argparse.ArgumentTypeError(f"not a duration like 10s or 1m: {text!r}")
    return int(match.group(1)) * (60 if match.group(2) == "m" else 1)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Seed a fresh database, serve it with gunicorn, load every page.",
    )
    parser.add_argument("--scale", type=int, default=1000, help="number of accounts (1000)")
    parser.add_argument(
        "--database-url",
        help="an empty database on 127.0.0.1, e.g. "
        "postgresql+psycopg://postgres@127.0.0.1:5432/bench_<you> (default: a temporary "
        "SQLite file)",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="empty --database-url first (drops every table in it)",
    )
    parser.add_argument(
        "--duration",
        type=parse_duration,
        default=None,
        help=f"load time per URL (default {DEFAULT_DURATION}s, shortened to fit the load phase "
        f"in {LOAD_BUDGET}s, never below {MIN_DURATION}s)",
    )
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (8)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument(
        "--loader",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator: wrk if installed, else a threaded Python client (auto)",
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the data (2026)")
    parser.add_argument(
        "--only", action="append", default=[], help="load only URLs containing this (repeat)"
    )
    parser.add_argument(
        "--output", type=Path, help="Markdown file (default bench-results/<timestamp>.md)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary SQLite database and logs"
    )
    args = parser.parse_args(argv)
    if args.scale < 3:
        parser.error("--scale must be at least 3 (an admin, two moderators)")
    if args.connections < 1 or args.workers < 1:
        parser.error("--connections and --workers must be at least 1")
    return args


def check_database_url(url: str) -> sa.URL:
    """Only a database on this machine, never CI's `test` database."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise BenchError(f"unsupported database {parsed.get_backend_name()!r}")
    if parsed.get_backend_name() == "postgresql":
        hosts = [parsed.host, parsed.query.get("host")]
        for host in hosts:
            if isinstance(host, tuple):
                raise BenchError("give one host, 127.0.0.1")
            if host and host not in LOOPBACK and not host.startswith("/"):
                raise BenchError(f"the database must be on 127.0.0.1, not {host}")
        if (parsed.database or "") in PROTECTED_DATABASES:
            raise BenchError(
                f"refusing to use the {parsed.database!r} database: create your own, "
                "e.g. createdb -h 127.0.0.1 -U postgres bench_<you>"
            )
    return parsed


def prepare_database(args: argparse.Namespace, workdir: Path) -> str:
    """An empty database: a new SQLite file, or the given one checked (and emptied)."""
    if not args.database_url:
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    url = check_database_url(args.database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if not url.database or url.database == ":memory:":
            raise BenchError("SQLite needs a file: sqlite:////tmp/bench.sqlite3")
        if path.exists():
            if not args.reset:
                raise BenchError(f"{path} exists: pass --reset to replace it")
            path.unlink()
        return args.database_url
    engine = sa.create_engine(args.database_url)
    try:
        with engine.begin() as connection:
            tables = sa.inspect(connection).get_table_names()
            if tables and not args.reset:
                raise BenchError(
                    f"{url.database} has {len(tables)} tables: pass --reset to empty it "
                    "(DROP SCHEMA public CASCADE)"
                )
            if tables:
                log(f"emptying {url.database}")
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
    return args.database_url


@contextmanager
def loopback_only() -> Iterator[None]:
    """Fail any connection this process opens beyond 127.0.0.1 (as the tests do)."""
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            raise BenchError(f"the benchmark tried to connect to {address[0]}")
        real_connect(sock, address)

    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        socket.socket.connect = real_connect  # type: ignore[method-assign]


def app_environment(database_url: str) -> dict[str, str]:
    """The environment of production, pointed at the benchmark database and 127.0.0.1."""
    from participate.config import Settings

    settings_names = {f.upper() for f in Settings.__dataclass_fields__}
    # Drop whatever the shell sets for the app, so every run is configured the same way.
    env = {k: v for k, v in os.environ.items() if k not in settings_names}
    env.update(
        PARTICIPATE_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=database_url,
        RATELIMIT_ENABLED="false",
        RATELIMIT_STORAGE_URI="memory://",
        BASE_URL="http://127.0.0.1",
        # Production trusts only BASE_URL's host; the in-process client says "localhost".
        TRUSTED_HOSTS="127.0.0.1,localhost",
        MAIL_BACKEND="console",
        MAIL_SERVER="127.0.0.1",
        # Only ever written into pages, but keep even that on this machine.
        TILE_URL="/static/tiles/{z}/{x}/{y}.png",
        FLASK_APP="participate",
        PYTHONUNBUFFERED="1",
    )
    return env


def flask_command(env: dict[str, str], *args: str) -> None:
    command = [sys.executable, "-m", "flask", "--app", "participate", *args]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"`flask {' '.join(args)}` failed:\n{result.stdout}{result.stderr}")
    last = result.stdout.strip().splitlines()[-1:] or ["done"]
    log(f"flask {' '.join(args)}: {last[0]}")


# --- seeding and query counts (in this process) ---------------------------------------------


def seed_and_count(env: dict[str, str], report: Report) -> None:
    """Seed through the app's models, then count SQL per request with the test client."""
    from participate import create_app
    from participate.config import Settings
    from participate.extensions import db
    from participate.seeding import bench as benchdata

    app = create_app(Settings.from_env(env))
    started = time.perf_counter()
    with app.app_context():
        ctx, steps = benchdata.seed(report.args.scale, seed=report.args.seed)
        if db.engine.dialect.name == "postgresql":
            # Autovacuum would analyse the new rows within a minute; do it now so the
            # planner sees the same statistics in every run.
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
            report.database_version = str(db.session.scalar(sa.text("SHOW server_version")))
        else:
            report.database_version = str(db.session.scalar(sa.text("SELECT sqlite_version()")))
        report.counts = benchdata.table_counts()
        feature_urls, url_notes = benchdata.feature_urls(ctx)
        engine = db.engine
    report.seed_seconds = time.perf_counter() - started
    report.seed_lines = [
        f"{s.name} {s.seconds:.1f} s" + (f" ({s.note})" if s.note else "") for s in steps
    ]
    for step in steps:
        if step.failed:
            print(step.traceback, file=sys.stderr)
            report.failures.append(f"seeding {step.name}: {step.note}")
    report.notes.extend(url_notes)

    wanted = [
        (url, "baseline" if url in (STATIC_BASELINE, BASELINE) else "core") for url in CORE_URLS
    ]
    wanted += [(url, "feature") for url in feature_urls]
    listed = {url for url, _ in wanted}
    candidates = [url for url in CANDIDATE_URLS if url not in listed]

    queries = 0

    def count(*_: Any) -> None:
        nonlocal queries
        queries += 1

    errors: list[str] = []

    class Remember(logging.Handler):
        """Keeps the error a failing page logs: one line in the report, no traceback."""

        def emit(self, record: logging.LogRecord) -> None:
            exception = record.exc_info[1] if record.exc_info else None
            if exception is not None:
                first = (str(exception).splitlines() or [""])[0][:160]
                errors.append(f"{type(exception).__name__}: {first}")

    sa.event.listen(engine, "before_cursor_execute", count)
    app.logger.handlers[:] = [Remember()]
    app.logger.propagate = False
    client = app.test_client()
    try:
        for url, kind in [*wanted, *((url, "discovered") for url in candidates)]:
            counts = []
            status = 0
            errors.clear()
            for _ in range(2):  # the first request may fill per-process caches
                queries = 0
                response = client.get(url)
                status = response.status_code
                response.close()
                counts.append(queries)
            if status >= 500:
                why = f" ({errors[-1]})" if errors else ""
                report.failures.append(f"`{url}`: HTTP {status} in the test client{why}")
                continue
            if status != 200:
                if kind != "discovered" or status != 404:
                    report.notes.append(f"`{url}`: HTTP {status} in the test client")
                continue
            if kind == "discovered":
                report.notes.append(f"`{url}`: found by probing (no BENCH_URLS entry)")
                kind = "feature"
            report.rows.append(Row(url, kind, status, counts[1], counts[0]))
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
        engine.dispose()
    if report.args.only:
        report.rows = [
            row
            for row in report.rows
            if row.kind == "baseline" or any(part in row.url for part in report.args.only)
        ]


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_gunicorn(env: dict[str, str], port: int, workers: int, logfile: Path) -> Any:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--no-control-socket",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--error-logfile",
        str(logfile),
        "--log-level",
        "warning",
        "wsgi:app",
    ]
    # Its own session: a Ctrl-C reaches only this script, which then stops gunicorn in order.
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def stop(process: Any) -> None:
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def fetch(port: int, url: str, timeout: float = 30) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", url)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_ready(process: Any, port: int, logfile: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with {process.returncode}:\n{tail(logfile)}")
        try:
            if fetch(port, BASELINE, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"gunicorn did not answer {BASELINE} in {timeout:.0f} s:\n{tail(logfile)}")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stat_fields(pid: int) -> list[str]:
    """/proc/<pid>/stat after "pid (comm) ": index 0 is field 3 (state)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rfind(")") + 2 :].split()


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int(_stat_fields(int(entry.name))[1]) == master:
                    pids.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return pids


def cpu_seconds(pids: list[int]) -> float | None:
    """User + system CPU time the gunicorn workers have used (Linux only)."""
    ticks = 0
    try:
        for pid in pids:
            fields = _stat_fields(pid)
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    except (OSError, IndexError, ValueError):
        return None
    return ticks / os.sysconf("SC_CLK_TCK")


# --- load generators -------------------------------------------------------------------------


def load_wrk(port: int, row: Row, args: argparse.Namespace, script: Path) -> None:
    command = [
        "wrk",
        "-t",
        str(min(2, args.connections)),
        "-c",
        str(args.connections),
        "-d",
        f"{args.duration}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}{row.url}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    match = re.search(r"^BENCH_RESULT (.*)$", result.stdout, re.MULTILINE)
    if result.returncode != 0 or not match:
        raise BenchError(f"wrk failed on {row.url}:\n{result.stdout}{result.stderr}")
    data = json.loads(match.group(1))
    row.requests = data["requests"]
    row.rps = data["requests"] / (data["duration_us"] / 1e6)
    row.p50_ms = data["p50_us"] / 1000
    row.p95_ms = data["p95_us"] / 1000
    row.errors = data["errors"]


def load_python(port: int, row: Row, args: argparse.Namespace) -> None:
    """A fallback: one thread per connection, a new connection per request (like wrk here,
    since gunicorn's sync workers close every connection). It needs CPU of its own, so its
    figures are lower than wrk's: compare them only with each other."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + args.duration

    def worker() -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                status, _ = fetch(port, row.url)
            except OSError:
                failed += 1
                continue
            if status >= 400:
                failed += 1
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    row.requests = len(latencies)
    row.rps = len(latencies) / elapsed
    row.p50_ms = percentile(latencies, 50) * 1000
    row.p95_ms = percentile(latencies, 95) * 1000
    row.errors = errors


def percentile(ordered: list[float], p: float) -> float:
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


# --- the report ------------------------------------------------------------------------------


def git_commit() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit} + uncommitted changes" if dirty else commit


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} CPU cores ({cpu}){memory}, Python {platform.python_version()}"


def tool_versions(loader: str) -> str:
    from importlib.metadata import version

    parts = [f"gunicorn {version('gunicorn')}"]
    if loader == "wrk":
        output = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False)
        found = re.search(r"wrk (\S+)", output.stdout + output.stderr)
        parts.append(f"wrk {found.group(1) if found else '?'}")
    return ", ".join(parts)


TIMES = "\N{MULTIPLICATION SIGN}"


def ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}{TIMES}" if base else "n/a"


def number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def render(report: Report) -> str:
    args = report.args
    base = next((r for r in report.rows if r.url == BASELINE), None)
    base_rps = base.rps if base else 0.0
    base_p50 = base.p50_ms if base else 0.0
    base_p95 = base.p95_ms if base else 0.0
    base_cpu = (base.cpu_ms or 0.0) if base else 0.0
    date = report.started.strftime("%Y-%m-%d")
    lines = [
        f"### {report.database_label}, SCALE={args.scale} ({date}, commit {git_commit()})",
        "",
        f"- Machine: {machine()}; {report.database_label} {report.database_version}.",
        f"- Server: {tool_versions(report.loader)}; {args.workers} sync workers, "
        "PARTICIPATE_ENV=production.",
        f"- Load: {report.loader}, {args.connections} connections, {args.duration} s per URL, "
        "from 127.0.0.1 on the same machine; load average before the run "
        f"{report.load_before:.2f}, after {report.load_after:.2f}.",
        "- Data: " + ", ".join(f"{n:,} {t}" for t, n in report.counts.items() if n) + ".",
        f"- Seeding: {report.seed_seconds:.1f} s ({'; '.join(report.seed_lines)}); "
        f"whole run {report.total_seconds:.0f} s.",
        "",
        "| Page | Req/s | p50 ms | p95 ms | CPU ms/req | Bytes | SQL/req | Errors |",
        "| --- | --: | --: | --: | --: | --: | --: | --: |",
    ]
    for row in report.rows:
        label = f"`{row.url}`" + (" (baseline)" if row.kind == "baseline" else "")
        cpu = "n/a"
        if row.cpu_ms is not None:
            cpu = f"{row.cpu_ms:.2f} ({ratio(row.cpu_ms, base_cpu)})"
        queries = str(row.queries)
        if row.cold_queries is not None and row.cold_queries != row.queries:
            queries += f" (first {row.cold_queries})"
        lines.append(
            f"| {label} | {number(row.rps)} ({ratio(row.rps, base_rps)}) "
            f"| {row.p50_ms:.1f} ({ratio(row.p50_ms, base_p50)}) "
            f"| {row.p95_ms:.1f} ({ratio(row.p95_ms, base_p95)}) "
            f"| {cpu} | {row.body_bytes:,} | {queries} | {row.errors} |"
        )
    lines += [
        "",
        f"Ratios compare with `{BASELINE}` in the same run (req/s below 1{TIMES} and latency "
        f"above 1{TIMES} are slower). CPU ms/req is the user + system time of the gunicorn "
        "workers per request (not the database server's), the figure least disturbed by "
        "other work on the machine. SQL/req is counted in-process on the second request of "
        'each URL; "first" is the first request of a fresh process when it differs.',
    ]
    if base and report.baseline_end and base_rps:
        drift = (report.baseline_end.rps / base_rps - 1) * 100
        lines[-1] += (
            f" `{BASELINE}` again after the last page: {number(report.baseline_end.rps)} req/s "
            f"({drift:+.0f} %); a large change means other work shared the CPU."
        )
    if report.failures:
        lines += ["", "**Failed:**", ""]
        lines += [f"- {note}" for note in report.failures]
    if report.notes:
        lines += ["", "Notes:", ""]
        lines += [f"- {note}" for note in report.notes]
    return "\n".join(lines) + "\n"


# --- main ------------------------------------------------------------------------------------


def choose_loader(requested: str) -> str:
    if requested in {"auto", "wrk"} and shutil.which("wrk"):
        return "wrk"
    if requested == "wrk":
        raise BenchError("wrk is not installed (apt-get install wrk), or use --loader python")
    return "python"


def run(args: argparse.Namespace, workdir: Path) -> Report:
    report = Report(args)
    report.load_before = os.getloadavg()[0]
    report.loader = choose_loader(args.loader)
    database_url = prepare_database(args, workdir)
    report.database_label = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    env = app_environment(database_url)

    log(f"migrating and loading reference data ({report.database_label})")
    flask_command(env, "db", "upgrade")
    flask_command(env, "districts", "load")
    flask_command(env, "districts", "load-postal-codes")
    log(f"seeding SCALE={args.scale}")
    seed_and_count(env, report)
    log(f"seeded in {report.seed_seconds:.1f} s; {len(report.rows)} URLs to load")

    if args.duration is None:
        args.duration = default_duration(len(report.rows))
    port = free_port()
    logfile = workdir / "gunicorn.log"
    script = workdir / "report.lua"
    script.write_text(WRK_SCRIPT)
    server = None
    try:
        server = start_gunicorn(env, port, args.workers, logfile)
        wait_ready(server, port, logfile)
        estimate = (len(report.rows) + 1) * (args.duration + 0.5)
        log(f"gunicorn on 127.0.0.1:{port}; about {estimate:.0f} s of load with {report.loader}")

        def load(row: Row) -> None:
            pids = worker_pids(server.pid)
            before = cpu_seconds(pids) if pids else None
            if report.loader == "wrk":
                load_wrk(port, row, args, script)
            else:
                load_python(port, row, args)
            after = cpu_seconds(pids) if pids else None
            if before is not None and after is not None and row.requests:
                row.cpu_ms = (after - before) * 1000 / row.requests

        for row in report.rows:
            # Warm every worker (per-process caches), and record what a client receives.
            for _ in range(2 * args.workers):
                row.status, body = fetch(port, row.url)
            row.body_bytes = len(body)
            if row.status != 200:
                report.failures.append(f"`{row.url}`: HTTP {row.status} from gunicorn")
            load(row)
            if row.errors:
                report.failures.append(f"`{row.url}`: {row.errors} failed requests under load")
            log(f"{row.url}: {row.rps:.0f} req/s, p50 {row.p50_ms:.1f} ms")
        # The baseline once more: if it moved, something else used the CPU meanwhile.
        if any(row.url == BASELINE for row in report.rows):
            report.baseline_end = Row(BASELINE)
            load(report.baseline_end)
    finally:
        stop(server)
    if server is not None and server.returncode not in (0, -signal.SIGTERM):
        report.failures.append(f"gunicorn exited with {server.returncode}: {tail(logfile, 5)}")
    report.load_after = os.getloadavg()[0]
    report.total_seconds = (datetime.now(UTC) - report.started).total_seconds()
    return report


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A `kill` runs the same clean-up as Ctrl-C: stop gunicorn, remove the temporary files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="participate-bench-"))
    try:
        with loopback_only():
            report = run(args, workdir)
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    text = render(report)
    output = args.output
    if output is None:
        stamp = report.started.strftime("%Y%m%d-%H%M%S")
        output = ROOT / "bench-results" / f"{stamp}-{report.database_label.lower()}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(text)
    log(f"written to {output}")
    return 2 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
