"""EXPLAIN ANALYZE of the list queries issue #11 made flat, on a database you name.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_<you> \\
        .venv/bin/python scripts/explain_lists.py

Builds each statement with the app's own query functions (so the plans are of the SQL the
pages send), runs EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL or EXPLAIN QUERY PLAN on SQLite,
and prints the plan's first lines and the execution time. docs/performance.md keeps the
figures.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

import sqlalchemy as sa

os.environ.setdefault("PARTICIPATE_ENV", "development")


def _ms(started: float) -> str:
    return f"{1000 * (time.perf_counter() - started):.0f} ms"


def main() -> None:
    from participate import create_app
    from participate.extensions import db
    from participate.initiatives import queries
    from participate.initiatives.models import Initiative
    from participate.moderation import queries as desk
    from participate.moderation import statistics
    from participate.moderation.periods import Period
    from participate.paging import Cursor, count_at_most

    app = create_app()
    with app.test_request_context("/fi/"):
        dialect = db.engine.dialect.name
        newest = queries.Filters()
        later = db.session.execute(
            queries.public_select(newest)
            .with_only_columns(Initiative.published_at, Initiative.id)
            .offset(50_000)
            .limit(1)
        ).first()
        cases: list[tuple[str, sa.Select]] = [
            ("list, first page (newest)", queries.public_select(newest).limit(20)),
            (
                "list, page 50 (OFFSET 980, the deepest)",
                queries.public_select(newest).offset(980).limit(20),
            ),
            (
                "list, bounded count (LIMIT 1001)",
                sa.select(sa.func.count()).select_from(
                    queries.public_where(newest)
                    .with_only_columns(sa.literal(1))
                    .limit(1001)
                    .subquery()
                ),
            ),
            (
                "list, most supported",
                queries.public_select(queries.Filters(sort="supported")).limit(20),
            ),
            (
                "list, one district",
                queries.public_where(queries.Filters(district="suur-tapiola"))
                .order_by(Initiative.published_at.desc(), Initiative.id.desc())
                .limit(20),
            ),
        ]
        if later is not None:
            cursor = Cursor((later.published_at, later.id))
            bound = sa.tuple_(Initiative.published_at, Initiative.id) < sa.tuple_(
                sa.literal(cursor.values[0], type_=Initiative.published_at.type),
                sa.literal(cursor.values[1]),
            )
            cases.append(
                (
                    "API keyset page 2,500 deep (row 50,000)",
                    queries.public_where(newest)
                    .where(bound)
                    .order_by(Initiative.published_at.desc(), Initiative.id.desc())
                    .limit(21),
                )
            )
        cases.append(
            ("search ?q=ölstenin", queries.public_select(queries.Filters(q="ölstenin")).limit(20))
        )
        for title, statement in cases:
            compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
            prefix = (
                "EXPLAIN (ANALYZE, BUFFERS) " if dialect == "postgresql" else "EXPLAIN QUERY PLAN "
            )
            rows = db.session.execute(sa.text(prefix + str(compiled))).all()
            print(f"## {title}")
            lines = [" | ".join(str(c) for c in row) for row in rows]
            for line in lines[:6] + [line for line in lines[6:] if "Execution Time" in line]:
                print("    " + line)
        # Statistics: the aggregates of a year, timed (the page's numbers).
        today = datetime.now(UTC).date()
        period = Period(today.replace(year=today.year - 1), today)
        started = time.perf_counter()
        statistics._aggregate(period)
        print(
            f"## statistics aggregates, 12 months: {1000 * (time.perf_counter() - started):.0f} ms"
        )
        started = time.perf_counter()
        desk.list_queue_page(desk.QueueFilters(), page=1, counts=desk.count_waiting_by_kind())
        print(
            f"## desk queue page 1 (with counts): {1000 * (time.perf_counter() - started):.0f} ms"
        )
        started = time.perf_counter()
        count_at_most(queries.public_where(newest), 10_000)
        print(f"## API count_at_most(10,000): {_ms(started)}")


if __name__ == "__main__":
    main()
