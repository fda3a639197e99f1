"""What each page adds to a web worker's memory: one gunicorn worker, every benchmark URL in
turn, the worker's RSS after each (issue #11: a worker stays under 200 MB).

    .venv/bin/python scripts/bench_rss.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_x_100000 [--only ics]

The database must be one `scripts/bench.py` seeded (its `bench_seeded` table gives the
URLs' ids); nothing is written to it. gunicorn runs with `deploy/gunicorn.conf.py`, one
worker with its threads, never recycled, in the benchmark's production environment. Each URL
is requested once, then `--requests` times from as many threads as the worker has, and the
line shows the RSS after it, its change, the status, the body size and the worker's CPU
time per request. A page whose line grows the RSS by megabytes is what to look at
(docs/performance.md, "Worker memory").
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
THREADS = 4  # deploy/gunicorn.conf.py's default


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="a database bench.py seeded")
    parser.add_argument("--requests", type=int, default=24, help="per URL after the first")
    parser.add_argument("--only", action="append", default=[], help="URLs containing this")
    args = parser.parse_args(argv)
    from scripts import bench  # its environment, gunicorn and /proc helpers

    bench.check_database_url(args.database_url)
    env = bench.app_environment(args.database_url)
    engine = sa.create_engine(args.database_url)
    with engine.connect() as connection:
        seeded = json.loads(connection.execute(sa.text("SELECT data FROM bench_seeded")).scalar())
    engine.dispose()

    from participate import create_app
    from participate.config import Settings
    from participate.seeding import bench as benchdata

    app = create_app(Settings.from_env(env))
    with app.app_context():
        feature, _ = benchdata.feature_urls(seeded["url_params"])
        signed_in, _ = benchdata.feature_urls(seeded["url_params"], "BENCH_SIGNED_IN_URLS")
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    session = serializer.dumps({"_user_id": str(seeded["admin_id"]), "_fresh": True})
    cookie = {"Cookie": f"{app.config['SESSION_COOKIE_NAME']}={session}"}
    candidates = [url for url in bench.CANDIDATE_URLS if url not in feature]
    urls = [(url, {}) for url in bench.CORE_URLS + feature + candidates]
    urls += [(url, cookie) for url in signed_in]
    if args.only:
        urls = [(url, h) for url, h in urls if any(part in url for part in args.only)]

    workdir = Path(tempfile.mkdtemp(prefix="bench_rss_"))
    port = bench.free_port()
    logfile = workdir / "gunicorn.log"
    process = bench.start_gunicorn(env, port, 1, logfile)
    try:
        bench.wait_ready(process, port, logfile)
        pids = bench.worker_pids(process.pid)
        for _ in range(THREADS):
            bench.fetch(port, bench.BASELINE)
        start = previous = bench.rss_mb(pids)[0]
        print(f"worker RSS after start-up: {start:.1f} MB")
        per_thread = max(1, args.requests // THREADS)
        for url, headers in urls:
            status, body = bench.fetch(port, url, headers=headers)
            cpu_before = bench.cpu_seconds(pids)

            def load(url: str = url, headers: dict[str, str] = headers) -> None:
                for _ in range(per_thread):
                    bench.fetch(port, url, headers=headers)

            threads = [threading.Thread(target=load) for _ in range(THREADS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            cpu_ms = (bench.cpu_seconds(pids) - cpu_before) * 1000 / (per_thread * THREADS)
            now = bench.rss_mb(pids)[0]
            print(
                f"{now:7.1f} MB {now - previous:+6.1f}  {status} {len(body):>8} B "
                f"{cpu_ms:6.1f} CPU ms  {url}",
                flush=True,
            )
            previous = now
        print(f"worker RSS at the end: {previous:.1f} MB ({previous - start:+.1f})")
    finally:
        bench.stop(process)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
