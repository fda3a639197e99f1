"""Benchmark the pages as production serves them: `make bench SCALE=1000,100000`.

For each scale (the number of initiatives; the other tables grow with it):

1. A fresh database of its own (an SQLite file in a temporary directory, or with
   `--database-url …/bench_x` the PostgreSQL database `bench_x_<scale>`, created here),
   migrated with `flask db upgrade`, districts and postal codes loaded with the
   `flask districts` commands, then every feature's data at that scale
   (`participate.seeding.bench.seed`: bulk COPY on PostgreSQL, executemany on SQLite).
2. SQL queries per request, counted in this process through the Flask test client; the
   desk's pages (BENCH_SIGNED_IN_URLS) signed in as the benchmark's administrator.
3. gunicorn with deploy/gunicorn.conf.py on a free port of 127.0.0.1, as in production.
4. Per URL: the median of single requests one at a time (the server time of one request),
   then wrk (or a small threaded Python client when wrk is missing) for a fixed duration;
   the workers' RSS after the last URL.

A hello-world Flask app (scripts/bench_hello.py) under the same gunicorn settings is measured
before and after, and the report compares each page between the scales (growth = req/s at
the largest scale / req/s at the smallest) and with hello-world. Markdown to stdout and to
bench-results/<timestamp>.md.

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
from dataclasses import dataclass, field, replace
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
# List and map pages of the stable routes (tests/routes.txt): measured when they answer 200, so a
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


# The default load phase stays under about 3 minutes per scale however many pages there are.
DEFAULT_DURATION = 5
MIN_DURATION = 2
LOAD_BUDGET = 150
# Single requests one after another per URL, for the median server time of one request.
SINGLE_REQUESTS = 15
# What issue #11 asks of every page: growth from the smallest to the largest scale at least
# this (req/s ratio), and one request's median time at most this many milliseconds.
MIN_GROWTH = 0.8
MAX_SINGLE_MS = 50.0
# What issue #11 asks of a worker after the whole run at the largest scale.
MAX_WORKER_RSS_MB = 200


def default_duration(urls: int) -> int:
    """Seconds per URL so that every URL (with its single requests, about a second) plus the
    closing baseline fit the budget."""
    return max(MIN_DURATION, min(DEFAULT_DURATION, LOAD_BUDGET // (urls + 1) - 1))


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
    single_ms: float = 0.0  # median of SINGLE_REQUESTS requests one at a time
    signed_in: bool = False


@dataclass
class Report:
    """One scale's run."""

    args: argparse.Namespace
    scale: int = 0
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
    worker_rss_mb: list[float] = field(default_factory=list)
    worker_rss_start_mb: list[float] = field(default_factory=list)
    reused: bool = False
    cookie: str = ""
    duration: int = 0
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


def parse_scales(text: str) -> list[int]:
    """`1000` or `1000,100000` (underscores allowed: 100_000), each at least 3, ascending."""
    try:
        scales = [int(part.strip().replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not scales or min(scales) < 3:
        raise argparse.ArgumentTypeError("each scale must be at least 3 (an admin, two moderators)")
    return sorted(set(scales))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Seed a fresh database, serve it with gunicorn, load every page.",
    )
    parser.add_argument(
        "--scale",
        type=parse_scales,
        default=[1000],
        help="number of initiatives, or several separated by commas: 1000,100000 (1000)",
    )
    parser.add_argument(
        "--database-url",
        help="PostgreSQL on 127.0.0.1, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/"
        "bench_<you>: each scale gets its own database bench_<you>_<scale>, created here "
        "(default: a temporary SQLite file per scale)",
    )
    parser.add_argument(
        "--reset",
        action="store_true",
        help="replace a scale's database if it exists (PostgreSQL: DROP DATABASE)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep a scale's database if this script seeded it before (migrations still run); "
        "for measuring again after a change without seeding again",
    )
    parser.add_argument(
        "--duration",
        type=parse_duration,
        default=None,
        help=f"load time per URL (default {DEFAULT_DURATION}s, shortened to fit the load phase "
        f"in {LOAD_BUDGET}s, never below {MIN_DURATION}s)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure every URL this many times at each scale, the scales' order alternating, "
        "and keep, per URL and scale, the round with the most req/s (1); on a host whose "
        "speed changes by the minute, 2 or 3 keep a passing slowdown from deciding a page's "
        "growth",
    )
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections (8)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="gunicorn workers (2; deploy/gunicorn.conf.py's threads per worker)",
    )
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
    if args.reset and args.reuse:
        parser.error("--reset and --reuse exclude each other")
    if args.connections < 1 or args.workers < 1 or args.rounds < 1:
        parser.error("--connections, --workers and --rounds must be at least 1")
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


def scale_database_url(args: argparse.Namespace, workdir: Path, scale: int) -> str:
    """The URL of this scale's own database: `<name>_<scale>` beside the given one."""
    if not args.database_url:
        return f"sqlite:///{workdir / f'bench-{scale}.sqlite3'}"
    url = check_database_url(args.database_url)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BenchError("SQLite needs a file: sqlite:////tmp/bench.sqlite3")
        path = Path(url.database)
        return str(url.set(database=str(path.with_name(f"{path.stem}_{scale}{path.suffix}"))))
    name = f"{url.database}_{scale}"
    check_database_url(str(url.set(database=name)))
    return url.set(database=name).render_as_string(hide_password=False)


def prepare_database(args: argparse.Namespace, database_url: str) -> bool:
    """Create the scale's database (or empty it with --reset); True when --reuse keeps one
    this script seeded before."""
    url = check_database_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if path.exists():
            if args.reuse and seeded_before(database_url):
                return True
            if not args.reset:
                raise BenchError(f"{path} exists: pass --reset to replace it (or --reuse)")
            path.unlink()
        return False
    name = url.database or ""
    server = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            )
            quoted = server.dialect.identifier_preparer.quote(name)
            if exists:
                if args.reuse and seeded_before(database_url):
                    return True
                if not args.reset:
                    raise BenchError(
                        f"database {name} exists: pass --reset to replace it (or --reuse)"
                    )
                log(f"dropping database {name}")
                connection.execute(sa.text(f"DROP DATABASE {quoted} WITH (FORCE)"))
            connection.execute(sa.text(f"CREATE DATABASE {quoted}"))
    finally:
        server.dispose()
    return False


# What --reuse needs of an earlier run, kept in the benchmark database itself.
SEEDED_TABLE = "bench_seeded"


def seeded_before(database_url: str) -> dict[str, Any] | None:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table(SEEDED_TABLE):
                return None
            text = connection.scalar(sa.text(f"SELECT data FROM {SEEDED_TABLE}"))  # noqa: S608
            return json.loads(text) if text else None
    finally:
        engine.dispose()


def remember_seeding(data: dict[str, Any]) -> None:
    """Store the run's URL values and seeding figures beside the data (for --reuse)."""
    from participate.extensions import db

    db.session.execute(sa.text(f"CREATE TABLE {SEEDED_TABLE} (data TEXT NOT NULL)"))
    db.session.execute(
        sa.text(f"INSERT INTO {SEEDED_TABLE} (data) VALUES (:data)"),  # noqa: S608
        {"data": json.dumps(data)},
    )
    db.session.commit()


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
    """Seed through the app's models (unless --reuse found this scale seeded), then count
    SQL per request with the test client."""
    from participate import create_app
    from participate.config import Settings
    from participate.extensions import db
    from participate.seeding import bench as benchdata

    app = create_app(Settings.from_env(env))
    started = time.perf_counter()
    with app.app_context():
        earlier = seeded_before(env["DATABASE_URL"]) if report.reused else None
        if earlier is None:
            ctx, steps = benchdata.seed(report.scale, seed=report.args.seed)
            report.seed_seconds = time.perf_counter() - started
            for step in steps:
                if step.failed:
                    print(step.traceback, file=sys.stderr)
                    report.failures.append(f"seeding {step.name}: {step.note}")
            report.seed_lines = [
                f"{step.name.rsplit('.', 1)[-1]} {step.seconds:.1f} s"
                + (f" ({step.note})" if step.note else "")
                for step in steps
            ]
            earlier = {
                "url_params": ctx.url_params,
                "admin_id": ctx.admin_id,
                "seed_seconds": report.seed_seconds,
                "seed_lines": report.seed_lines,
            }
            if not report.failures:
                remember_seeding(earlier)
        else:
            report.seed_seconds = float(earlier["seed_seconds"])
            report.seed_lines = [*earlier["seed_lines"], "reused from an earlier run"]
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does to freshly inserted tables within minutes, now: planner
            # statistics, and the visibility map (without it an index-only count of the
            # desk's 5,000 waiting items visits 3,700 heap pages: 64 ms instead of 2).
            db.session.commit()
            autocommit = db.engine.execution_options(isolation_level="AUTOCOMMIT")
            with autocommit.connect() as connection:
                connection.execute(sa.text("VACUUM (ANALYZE)"))
            report.database_version = str(db.session.scalar(sa.text("SHOW server_version")))
        else:
            report.database_version = str(db.session.scalar(sa.text("SELECT sqlite_version()")))
        report.counts = benchdata.table_counts()
        feature_urls, url_notes = benchdata.feature_urls(earlier["url_params"])
        signed_in_urls, signed_in_notes = benchdata.feature_urls(
            earlier["url_params"], "BENCH_SIGNED_IN_URLS"
        )
        engine = db.engine
    report.notes.extend(url_notes + signed_in_notes)
    # A signed session of the benchmark's administrator, as the login form would set it.
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    session = serializer.dumps({"_user_id": str(earlier["admin_id"]), "_fresh": True})
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    report.cookie = f"{cookie_name}={session}"

    wanted = [
        (url, "baseline" if url in (STATIC_BASELINE, BASELINE) else "core") for url in CORE_URLS
    ]
    wanted += [(url, "feature") for url in feature_urls]
    wanted += [(url, "signed-in") for url in signed_in_urls]
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
    # The test client sends its own cookie jar, not a Cookie header: a second client signed in.
    signed_in_client = app.test_client()
    signed_in_client.set_cookie(cookie_name, session)
    try:
        for url, kind in [*wanted, *((url, "discovered") for url in candidates)]:
            counts = []
            status = 0
            errors.clear()
            for _ in range(2):  # the first request may fill per-process caches
                queries = 0
                response = (signed_in_client if kind == "signed-in" else client).get(url)
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
            report.rows.append(
                Row(url, kind, status, counts[1], counts[0], signed_in=kind == "signed-in")
            )
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


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, logfile: Path, app: str = "wsgi:app"
) -> Any:
    """deploy/gunicorn.conf.py as in production, with the workers never recycled (so the
    RSS after the run is the RSS of a worker that served every page)."""
    env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_MAX_REQUESTS": "0",
        "GUNICORN_LOGLEVEL": "warning",
        # Our own directory: the config empties it at start.
        "PROMETHEUS_MULTIPROC_DIR": str(logfile.parent / f"metrics-{port}"),
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--error-logfile",
        str(logfile),
        "--chdir",
        str(ROOT / "scripts" if app.startswith("bench_hello") else ROOT),
        app,
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


def fetch(
    port: int, url: str, timeout: float = 30, headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", url, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_ready(
    process: Any, port: int, logfile: Path, timeout: float = 60, url: str = BASELINE
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BenchError(f"gunicorn exited with {process.returncode}:\n{tail(logfile)}")
        try:
            if fetch(port, url, timeout=2)[0] == 200:
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


def rss_mb(pids: list[int]) -> list[float]:
    """Resident set size of each process in MiB (VmRSS; Linux only, else empty)."""
    sizes = []
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        except (OSError, ValueError, IndexError):
            continue
    return sizes


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


def single_requests(port: int, row: Row, headers: dict[str, str]) -> None:
    """The median time of one request when nothing else of ours runs (SINGLE_REQUESTS of
    them, one after another): the server time a visitor waits, plus loopback."""
    times = []
    for _ in range(SINGLE_REQUESTS):
        started = time.perf_counter()
        fetch(port, row.url, headers=headers)
        times.append(time.perf_counter() - started)
    times.sort()
    row.single_ms = percentile(times, 50) * 1000


def load_wrk(
    port: int, row: Row, args: argparse.Namespace, script: Path, headers: dict[str, str]
) -> None:
    command = [
        "wrk",
        *(part for name, value in headers.items() for part in ("-H", f"{name}: {value}")),
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


def load_python(port: int, row: Row, args: argparse.Namespace, headers: dict[str, str]) -> None:
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
                status, _ = fetch(port, row.url, headers=headers)
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
        f"### {report.database_label}, SCALE={report.scale:,} ({date}, commit {git_commit()})",
        "",
        f"- Machine: {machine()}; {report.database_label} {report.database_version}.",
        f"- Server: {tool_versions(report.loader)}; {args.workers} gthread workers "
        "(deploy/gunicorn.conf.py), "
        "PARTICIPATE_ENV=production.",
        f"- Load: {report.loader}, {args.connections} connections, {report.duration} s per URL, "
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


def prepare_scale(
    args: argparse.Namespace, workdir: Path, scale: int, loader: str
) -> tuple[Report, dict[str, str]]:
    """Seed (or reuse) this scale's database and count SQL per URL; the report and the
    environment to serve it with."""
    report = Report(args, scale=scale)
    report.load_before = os.getloadavg()[0]
    report.loader = loader
    database_url = scale_database_url(args, workdir, scale)
    report.reused = prepare_database(args, database_url)
    report.database_label = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    env = app_environment(database_url)

    log(f"SCALE={scale}: migrating and loading reference data ({report.database_label})")
    flask_command(env, "db", "upgrade")
    if not report.reused:
        flask_command(env, "districts", "load")
        flask_command(env, "districts", "load-postal-codes")
    log(f"SCALE={scale}: " + ("reusing the earlier seeding" if report.reused else "seeding"))
    seed_and_count(env, report)
    log(f"SCALE={scale}: seeded in {report.seed_seconds:.1f} s; {len(report.rows)} URLs to load")
    return report, env


@dataclass
class Server:
    """One scale's gunicorn while the URLs are measured."""

    report: Report
    process: Any
    port: int
    logfile: Path


def measure(
    args: argparse.Namespace,
    workdir: Path,
    loader: str,
    prepared: list[tuple[Report, dict[str, str]]],
) -> None:
    """Serve every scale at once (one gunicorn each) and measure each URL at every scale
    one right after the other: on a shared machine the load changes by the minute, and a
    page's growth compares two measurements seconds apart instead of a quarter of an hour."""
    reports = [report for report, _env in prepared]
    if args.duration is None:
        args.duration = default_duration(sum(len(r.rows) for r in reports) // len(reports))
    script = workdir / "report.lua"
    script.write_text(WRK_SCRIPT)
    servers: list[Server] = []
    try:
        for report, env in prepared:
            report.duration = args.duration
            port = free_port()
            logfile = workdir / f"gunicorn-{report.scale}.log"
            process = start_gunicorn(env, port, args.workers, logfile)
            servers.append(Server(report, process, port, logfile))
        for server in servers:
            wait_ready(server.process, server.port, server.logfile)
            for _ in range(4 * args.workers):  # every worker has served a request
                fetch(server.port, BASELINE)
            server.report.worker_rss_start_mb = rss_mb(worker_pids(server.process.pid))
        urls = max(len(r.rows) for r in reports) * len(reports) * args.rounds
        log(f"{len(servers)} gunicorns; about {urls * (args.duration + 1):.0f} s of {loader}")

        def load(server: Server, row: Row) -> None:
            headers = {"Cookie": server.report.cookie} if row.signed_in else {}
            pids = worker_pids(server.process.pid)
            single_requests(server.port, row, headers)
            before = cpu_seconds(pids) if pids else None
            if loader == "wrk":
                load_wrk(server.port, row, args, script, headers)
            else:
                load_python(server.port, row, args, headers)
            after = cpu_seconds(pids) if pids else None
            if before is not None and after is not None and row.requests:
                row.cpu_ms = (after - before) * 1000 / row.requests

        def measure_row(server: Server, row: Row) -> None:
            """Measure `row` once more; of several rounds it keeps the one with the most
            req/s (the least disturbed by other work), the fastest single requests and the
            sum of the failures."""
            earlier = replace(row) if row.requests else None
            measure_once(server, row)
            if earlier is None:
                return
            errors = earlier.errors + row.errors
            single_ms = min(earlier.single_ms, row.single_ms or earlier.single_ms)
            if earlier.rps > row.rps:
                for name in ("rps", "p50_ms", "p95_ms", "requests", "cpu_ms"):
                    setattr(row, name, getattr(earlier, name))
            row.errors, row.single_ms = errors, single_ms

        def measure_once(server: Server, row: Row) -> None:
            report = server.report
            headers = {"Cookie": report.cookie} if row.signed_in else {}
            try:
                # Warm every worker (per-process caches), and record what a client receives.
                for _ in range(2 * args.workers):
                    row.status, body = fetch(server.port, row.url, headers=headers)
                row.body_bytes = len(body)
                if row.status != 200:
                    report.failures.append(f"`{row.url}`: HTTP {row.status} from gunicorn")
                load(server, row)
            except OSError as error:  # e.g. a page slower than the 30 s timeout
                report.failures.append(f"`{row.url}`: {type(error).__name__} from gunicorn")
                log(f"SCALE={report.scale} {row.url}: {type(error).__name__}, not measured")
                return
            if row.errors:
                report.failures.append(f"`{row.url}`: {row.errors} failed requests under load")
            log(
                f"SCALE={report.scale} {row.url}: {row.rps:.0f} req/s, "
                f"one request {row.single_ms:.1f} ms"
            )

        # The URLs in the first scale's order, each at every scale in turn.
        order: list[str] = []
        for report in reports:
            order += [key for key in (same_page(r.url) for r in report.rows) if key not in order]
        for round_number in range(args.rounds):
            # Odd rounds start with the largest scale: neither scale always goes first.
            in_turn = servers if round_number % 2 == 0 else servers[::-1]
            for key in order:
                for server in in_turn:
                    for row in server.report.rows:
                        if same_page(row.url) == key:
                            measure_row(server, row)
        for server in servers:
            # The baseline once more: if it moved, something else used the CPU meanwhile.
            if any(row.url == BASELINE for row in server.report.rows):
                server.report.baseline_end = Row(BASELINE)
                load(server, server.report.baseline_end)
            server.report.worker_rss_mb = rss_mb(worker_pids(server.process.pid))
    finally:
        for server in servers:
            stop(server.process)
    for server in servers:
        code = server.process.returncode
        if code not in (0, -signal.SIGTERM):
            server.report.failures.append(f"gunicorn exited with {code}: {tail(server.logfile, 5)}")
    for report in reports:
        report.load_after = os.getloadavg()[0]
        report.total_seconds = (datetime.now(UTC) - report.started).total_seconds()


def measure_hello(args: argparse.Namespace, workdir: Path, loader: str) -> Row:
    """scripts/bench_hello.py under the same gunicorn settings and load."""
    row = Row("/", "hello")
    port = free_port()
    logfile = workdir / f"hello-{port}.log"
    script = workdir / "report.lua"
    script.write_text(WRK_SCRIPT)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = start_gunicorn(env, port, args.workers, logfile, app="bench_hello:app")
    try:
        wait_ready(server, port, logfile, url="/")
        single_requests(port, row, {})
        if loader == "wrk":
            load_wrk(port, row, args, script, {})
        else:
            load_python(port, row, args, {})
    finally:
        stop(server)
    log(f"hello-world: {row.rps:.0f} req/s, one request {row.single_ms:.1f} ms")
    return row


@dataclass
class Comparison:
    reports: list[Report]
    hello: list[Row]
    load_before: float = 0.0
    load_after: float = 0.0
    flagged: list[str] = field(default_factory=list)


def same_page(url: str) -> str:
    """The URL with its numbers left out: the deepest page or a detail page has another
    number at each scale, but is the same page to compare."""
    return re.sub(r"\d+", "#", url)


def render_comparison(comparison: Comparison) -> str:
    """Per URL: req/s at each scale, growth (largest / smallest), ratio to hello-world at the
    largest scale, and one request's median time at each scale; flags what issue #11 rejects."""
    reports = comparison.reports
    large = reports[-1]
    hello_rps = sum(r.rps for r in comparison.hello) / len(comparison.hello)
    hello_ms = min(r.single_ms for r in comparison.hello)
    scales = [f"{r.scale:,}" for r in reports]
    by_scale = [{same_page(row.url): row for row in r.rows} for r in reports]
    lines = [
        f"### Growth from {scales[0]} to {scales[-1]} initiatives ({large.database_label})",
        "",
        "- Hello-world (scripts/bench_hello.py, same gunicorn settings): "
        + ", ".join(f"{r.rps:,.0f} req/s" for r in comparison.hello)
        + f" (before and after), one request {hello_ms:.1f} ms.",
        f"- Load average (1 min) {comparison.load_before:.2f} at the start, "
        f"{comparison.load_after:.2f} at the end; the machine has {os.cpu_count()} cores.",
        "- Worker RSS after the first requests → after the run: "
        + "; ".join(
            f"SCALE={r.scale:,}: "
            + ", ".join(f"{mb:.0f}" for mb in r.worker_rss_start_mb)
            + " → "
            + ", ".join(f"{mb:.0f} MB" for mb in r.worker_rss_mb)
            for r in reports
        )
        + f" (target < {MAX_WORKER_RSS_MB} MB).",
        "",
        "| Page | "
        + " | ".join(f"req/s {s}" for s in scales)
        + f" | Growth | Growth 1 req | {TIMES} hello | "
        + " | ".join(f"1 req ms {s}" for s in scales)
        + " | Flag |",
        "| --- | " + " | ".join("--:" for _ in range(2 * len(scales) + 3)) + " | --- |",
    ]
    for row in large.rows:
        if row.kind == "baseline" and row.url == STATIC_BASELINE:
            continue
        found = [rows.get(same_page(row.url)) for rows in by_scale]
        first = found[0]
        growth = row.rps / first.rps if first and first.rps else 0.0
        single = first.single_ms / row.single_ms if first and row.single_ms else 0.0
        flags = []
        # Both measures must agree: on a shared machine either alone swings by ±30 %.
        if first and growth < MIN_GROWTH and single < MIN_GROWTH:
            flags.append(f"growth < {MIN_GROWTH}")
        if row.single_ms > MAX_SINGLE_MS:
            flags.append(f"> {MAX_SINGLE_MS:.0f} ms")
        if flags:
            comparison.flagged.append(f"`{row.url}`: {', '.join(flags)}")
        lines.append(
            f"| `{row.url}`"
            + (" (signed in)" if row.signed_in else "")
            + " | "
            + " | ".join(number(r.rps) if r else "n/a" for r in found)
            + f" | {growth:.2f} | {single:.2f} | {row.rps / hello_rps:.2f} | "
            + " | ".join(f"{r.single_ms:.1f}" if r else "n/a" for r in found)
            + f" | {'**' + ', '.join(flags) + '**' if flags else ''} |"
        )
    rss = max((mb for r in reports for mb in r.worker_rss_mb), default=0.0)
    if rss > MAX_WORKER_RSS_MB:
        comparison.flagged.append(f"worker RSS {rss:.0f} MB > {MAX_WORKER_RSS_MB} MB")
    rounds = getattr(large.args, "rounds", 1)
    lines += [
        "",
        f"Growth = req/s at {scales[-1]} / req/s at {scales[0]} (issue #11 asks at least "
        f"{MIN_GROWTH}); Growth 1 req = the same for one request's time (1 req ms at "
        f"{scales[0]} / at {scales[-1]}); a page is flagged when both are below "
        f"{MIN_GROWTH}. {TIMES} hello = req/s at {scales[-1]} / hello-world's; 1 req ms = the "
        f"median of {SINGLE_REQUESTS} requests one at a time (issue #11 asks at most "
        f"{MAX_SINGLE_MS:.0f} ms at the largest scale). Each URL is measured at every scale "
        "one right after the other"
        + (
            f", in {rounds} rounds (the scales' order alternating); each figure is "
            "the scale's best round (req/s) and fastest single requests"
            if rounds > 1
            else ""
        )
        + ". Flagged: "
        + ("; ".join(comparison.flagged) if comparison.flagged else "nothing")
        + ".",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A `kill` runs the same clean-up as Ctrl-C: stop gunicorn, remove the temporary files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="participate-bench-"))
    started = datetime.now(UTC)
    try:
        with loopback_only():
            loader = choose_loader(args.loader)
            reports = []
            comparison = Comparison(reports, [], load_before=os.getloadavg()[0])
            given = args.duration
            args.duration = given or DEFAULT_DURATION
            comparison.hello.append(measure_hello(args, workdir, loader))
            prepared = [prepare_scale(args, workdir, scale, loader) for scale in args.scale]
            reports.extend(report for report, _env in prepared)
            args.duration = given  # None: fitted to the number of URLs
            measure(args, workdir, loader, prepared)
            args.duration = given or DEFAULT_DURATION
            comparison.hello.append(measure_hello(args, workdir, loader))
            comparison.load_after = os.getloadavg()[0]
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
    text = "\n".join(render(report) for report in reports)
    if len(reports) > 1:
        text = render_comparison(comparison) + "\n" + text
    output = args.output
    if output is None:
        stamp = started.strftime("%Y%m%d-%H%M%S")
        output = ROOT / "bench-results" / f"{stamp}-{reports[0].database_label.lower()}.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(text)
    log(f"written to {output}")
    failed = any(report.failures for report in reports)
    return 2 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
