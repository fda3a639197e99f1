"""The councillor map page, cached versus uncached: `python scripts/bench_map.py`.

1. A temporary SQLite database: migrations, districts, postal codes, parties and the demo
   council of 75 (the real council's size).
2. In-process (Flask test client, one thread): the Folium render alone, and the whole
   `/fi/councillors/` request with an empty cache before every request and with a warm cache;
   median and p95 milliseconds, response bytes (raw and gzip), SQL queries per request.
3. Under load: gunicorn (2 sync workers, 127.0.0.1) and wrk (2 threads, 8 connections), once
   as production runs (cache on) and once with the cache switched off in the workers.

Prints a Markdown table for docs/performance.md ("Councillors map"). Not part of the test
suite; nothing leaves 127.0.0.1. scripts/bench.py measures every page of the site.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URL = "/fi/councillors/"

# A gunicorn entry point that builds the app like wsgi.py, optionally with a cache that never
# keeps anything (every request renders the map again).
WSGI_MODULE = """
import os
from participate import create_app
from participate.councillors.maps import MapCache

app = create_app()
if os.environ.get("BENCH_MAP_CACHE") == "off":
    app.extensions["councillors_map_cache"] = MapCache(size=0)
"""


def environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.isupper() or k in {"PATH", "HOME"}}
    env.update(
        PARTICIPATE_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=database_url,
        BASE_URL="http://127.0.0.1",
        # Production trusts only BASE_URL's host; the in-process client says "localhost".
        TRUSTED_HOSTS="127.0.0.1,localhost",
        RATELIMIT_ENABLED="false",
        TILE_URL="http://127.0.0.1:9/tiles/{z}/{x}/{y}.png",
        PYTHONPATH=str(ROOT),
    )
    return env


def seed(env: dict[str, str]) -> Any:
    os.environ.update(env)
    import flask_migrate

    from participate import create_app
    from participate.councillors import loaders
    from participate.db import utcnow
    from participate.districts import loaders as district_loaders
    from participate.districts.queries import list_districts
    from participate.extensions import db
    from participate.seeding import councillors as demo
    from participate.seeding.demo import DemoContext

    app = create_app()
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"))
        district_loaders.load_districts(district_loaders.DISTRICTS_FILE)
        district_loaders.load_postal_codes(district_loaders.POSTAL_CODES_FILE)
        loaders.load_parties()
        ctx = DemoContext(random.Random(2026), utcnow(), list_districts(), None, None)  # type: ignore[arg-type]
        demo.load(ctx)
        db.session.commit()
    return app


def timed(function: Any, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return sorted(samples)


def p95(samples: list[float]) -> float:
    return samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]


def in_process(app: Any, repeat: int) -> dict[str, Any]:
    import sqlalchemy as sa

    from participate.councillors import maps
    from participate.extensions import db

    cache = app.extensions["councillors_map_cache"]
    client = app.test_client()

    def render() -> None:
        with app.test_request_context(URL):
            maps.build_map("fi")

    def get() -> None:
        if client.get(URL).status_code != 200:
            raise RuntimeError(f"{URL} did not answer 200")

    def uncached() -> None:
        cache.clear()
        get()

    def cached() -> None:
        get()

    client.get(URL)  # imports, template compilation
    results: dict[str, Any] = {
        "render": timed(render, repeat),
        "uncached": timed(uncached, repeat),
    }
    client.get(URL)
    results["cached"] = timed(cached, repeat)
    body = client.get(URL).data
    results["bytes"] = len(body)
    results["gzip"] = len(gzip.compress(body, 6))
    with app.app_context():
        results["map_bytes"] = maps.map_cache().rendered("fi").size

    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    with app.app_context():
        engine = db.engine
    for state in ("uncached", "cached"):
        if state == "uncached":
            cache.clear()
        statements.clear()
        sa.event.listen(engine, "before_cursor_execute", count)
        client.get(URL)
        sa.event.remove(engine, "before_cursor_execute", count)
        results[f"sql_{state}"] = len(statements)
    return results


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(master: int) -> float:
    """User + system CPU time of gunicorn's workers (children of `master`), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:  # field 4, the parent pid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def under_load(env: dict[str, str], workdir: Path, cache: str, seconds: int) -> dict[str, Any]:
    port = free_port()
    run_env = {**env, "BENCH_MAP_CACHE": cache, "PYTHONPATH": f"{workdir}:{ROOT}"}
    gunicorn = shutil.which("gunicorn", path=str(ROOT / ".venv" / "bin")) or "gunicorn"
    server = subprocess.Popen(
        [
            gunicorn,
            "--no-control-socket",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "bench_map_wsgi:app",
        ],
        cwd=workdir,
        env=run_env,
        start_new_session=True,
    )
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{URL}", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not answer")
        for _ in range(4):  # both workers warm (and, with the cache on, filled)
            urllib.request.urlopen(f"http://127.0.0.1:{port}{URL}", timeout=10).read()
        cpu_before = cpu_seconds(server.pid)
        out = subprocess.run(
            ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", f"http://127.0.0.1:{port}{URL}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        cpu = cpu_seconds(server.pid) - cpu_before
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
        total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
        p50 = re.search(r"50%\s+([\d.]+\w+)", out)
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        return {
            "rps": rps,
            "cpu_ms": 1000 * cpu / max(total, 1),
            "p50": p50.group(1) if p50 else "?",
            "errors": int(errors.group(1)) if errors else 0,
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=50, help="in-process requests per case")
    parser.add_argument("--duration", type=int, default=5, help="seconds of wrk per case")
    parser.add_argument("--no-wrk", action="store_true", help="skip gunicorn + wrk")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-map-") as tmp:
        workdir = Path(tmp)
        env = environment(f"sqlite:///{workdir / 'bench.sqlite3'}")
        app = seed(env)
        local = in_process(app, args.repeat)
        load: dict[str, dict[str, Any]] = {}
        if not args.no_wrk and shutil.which("wrk"):
            (workdir / "bench_map_wsgi.py").write_text(WSGI_MODULE, encoding="utf-8")
            for cache in ("on", "off"):
                load[cache] = under_load(env, workdir, cache, args.duration)

    def ms(samples: list[float]) -> str:
        return f"{statistics.median(samples):.1f} ms (p95 {p95(samples):.1f})"

    load_average = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"### `{URL}`, 75 councillors, {time.strftime('%Y-%m-%d')}\n")
    print(f"{os.cpu_count()} CPUs, load average at the end {load_average}.\n")
    print("| | uncached | cached |")
    print("| --- | --- | --- |")
    print(f"| Folium render alone (in-process) | {ms(local['render'])} | - |")
    print(f"| whole request, test client | {ms(local['uncached'])} | {ms(local['cached'])} |")
    print(f"| SQL queries per request | {local['sql_uncached']} | {local['sql_cached']} |")
    if load:
        print(
            f"| gunicorn -w 2 + wrk -t2 -c8, req/s | {load['off']['rps']:.0f} "
            f"(p50 {load['off']['p50']}) | {load['on']['rps']:.0f} (p50 {load['on']['p50']}) |"
        )
        print(
            f"| server CPU per request (workers' user + system) | {load['off']['cpu_ms']:.1f} ms"
            f" | {load['on']['cpu_ms']:.1f} ms |"
        )
    print(
        f"\nResponse: {local['bytes']:,} bytes ({local['gzip']:,} gzipped); "
        f"the map's part: {local['map_bytes']:,} bytes."
    )
    if load and (load["on"]["errors"] or load["off"]["errors"]):
        print(f"\nErrors under load: {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
