"""Query plans in tests: which index serves a list's order and filters (issue #11).

A test database holds a handful of rows, so its planner rightly prefers reading the table
and sorting. What a test can check is that an index *can* serve the statement: with sorts
and sequential scans priced out (`SET LOCAL enable_sort = off`, `enable_seqscan = off` on
PostgreSQL) the plan must use the named index and sort nothing. A missing index, a wrong
collation, a predicate the partial index does not imply, or an expression the index does
not match all leave a Sort (or a sequential scan) in the plan. On SQLite the planner picks
an index that serves ORDER BY … LIMIT even on small tables, and `EXPLAIN QUERY PLAN` says
"USE TEMP B-TREE FOR ORDER BY" when it sorts.

`plans_of(run)` runs `run()` (which issues the statements through the app's session, with
all its type processing), records every SELECT it sent, then EXPLAINs each with the same
parameters on the same connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from participate.extensions import db


def plans_of(
    run: Callable[[], Any], *, price_out: tuple[str, ...] = ("sort", "seqscan")
) -> list[str]:
    """The plan text of each SELECT `run()` sent (one string per statement, in order).
    `price_out`: the PostgreSQL plan kinds turned off (`enable_<kind>`) while explaining."""
    statements: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    connection = db.session.connection()
    postgresql = engine.dialect.name == "postgresql"
    if postgresql:
        for kind in price_out:
            connection.exec_driver_sql(f"SET LOCAL enable_{kind} = off")
    cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
    plans = []
    try:
        for statement, parameters in statements:
            prefix = "EXPLAIN " if postgresql else "EXPLAIN QUERY PLAN "
            cursor.execute(prefix + statement, parameters)
            plans.append("\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall()))
    finally:
        cursor.close()
        if postgresql:
            for kind in price_out:
                connection.exec_driver_sql(f"RESET enable_{kind}")
    return plans


def sorts(plan: str) -> bool:
    """True when the plan sorts rows (PostgreSQL's Sort node, SQLite's temporary B-tree)."""
    return any(
        line.lstrip(" ->").startswith(("Sort ", "Incremental Sort"))
        or "USE TEMP B-TREE FOR ORDER BY" in line
        for line in plan.splitlines()
    )


def assert_served_by(plan: str, index: str, *, sorted_by_index: bool = True) -> None:
    """`plan` reads `index` and (with `sorted_by_index`) sorts nothing."""
    assert index in plan, f"{index} not used:\n{plan}"
    if sorted_by_index:
        assert not sorts(plan), f"sorts instead of reading {index} in order:\n{plan}"
