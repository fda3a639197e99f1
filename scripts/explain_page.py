"""EXPLAIN every SQL statement one page sends, on a database you name (issue #11).

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_<you>_100000 \\
        .venv/bin/python scripts/explain_page.py [--admin] [--lines N] URL [URL …]

Requests each URL once in-process through the Flask test client (`--admin`: signed in as
the first administrator, as the benchmark's desk pages are), records the statements the
request sent with their parameters, then runs each again under EXPLAIN (ANALYZE, BUFFERS)
on PostgreSQL (EXPLAIN QUERY PLAN on SQLite) and prints its first `--lines` plan lines, any
line naming a Sort, a sequential scan or an index, and the execution time. What the page's
CPU time in `make bench` cannot say: which statement grows and why. docs/performance.md
keeps the key lines.

The statements run twice (the request, then EXPLAIN ANALYZE): use a copy of a benchmark
database, never production, when a page writes.
"""

from __future__ import annotations

import argparse
import os
import re
import time
from typing import Any

import sqlalchemy as sa

os.environ.setdefault("PARTICIPATE_ENV", "development")

# Plan lines worth seeing beyond the first few: where the rows come from and what sorts.
_KEY = re.compile(r"Sort|Seq Scan|Index|Bitmap|Aggregate|SCAN|SEARCH|TEMP B-TREE|Limit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--admin", action="store_true", help="signed in as an administrator")
    parser.add_argument("--lines", type=int, default=4, help="first plan lines to print")
    args = parser.parse_args()

    from participate import create_app
    from participate.accounts.models import Role, User
    from participate.extensions import db

    app = create_app()
    app.config.update(STATISTICS_CACHE_SECONDS=0, RATELIMIT_ENABLED=False)
    client = app.test_client()
    if args.admin:
        with app.app_context():
            admin_id = db.session.scalar(
                sa.select(User.id).where(User.role == Role.ADMIN).order_by(User.id).limit(1)
            )
        with client.session_transaction() as session:
            session["_user_id"] = str(admin_id)
            session["_fresh"] = True

    for url in args.urls:
        statements: list[tuple[str, Any]] = []

        def record(
            conn: Any,
            cursor: Any,
            statement: str,
            parameters: Any,
            *_: Any,
            into: list[tuple[str, Any]] = statements,
        ) -> None:
            into.append((statement, parameters))

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", record)
        started = time.perf_counter()
        try:
            status = client.get(url).status_code
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
        took = 1000 * (time.perf_counter() - started)
        print(f"# {url}: {status}, {len(statements)} statements, {took:.0f} ms in-process")
        with engine.connect() as connection:
            dialect = engine.dialect.name
            prefix = (
                "EXPLAIN (ANALYZE, BUFFERS) " if dialect == "postgresql" else "EXPLAIN QUERY PLAN "
            )
            for number, (statement, parameters) in enumerate(statements, 1):
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                raw = connection.connection.driver_connection
                cursor = raw.cursor()
                cursor.execute(prefix + statement, parameters)
                lines = [" | ".join(str(c) for c in row) for row in cursor.fetchall()]
                cursor.close()
                first = statement.split("FROM", 1)[0][:70].replace("\n", " ")
                print(f"## {number}. {first}…")
                shown = lines[: args.lines] + [
                    line for line in lines[args.lines :] if _KEY.search(line)
                ]
                for line in shown[:14]:
                    print("    " + line)
                for line in lines:
                    if "Execution Time" in line:
                        print("    " + line)
            connection.rollback()


if __name__ == "__main__":
    main()
