"""The activities' lists, the API and the calendar read only their own rows (issue #11).

Upcoming and ended activities share one index in start order; the split between them
(`ends_at` against now) must be checked on the index entry (PostgreSQL: `Index Cond`), or
the upcoming list reads every ended activity from the table before its first row and the
archive every upcoming one (migration 0019). tests/plans.py explains how a small test
database can show which index serves a statement. The plans are checked on PostgreSQL only:
SQLite, without statistics on a handful of rows, reads `ix_activities_status` and sorts.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from participate.activities import queries
from participate.extensions import db
from tests import factories
from tests.plans import assert_served_by, plans_of

STARTS = "ix_activities_published_starts"
ENDS = "ix_activities_published_ends"
COMPARES_END = re.compile(r"\(ends_at [<>]")


def _index_checks_the_end(plan: str) -> bool:
    """PostgreSQL: the `ends_at` comparison is an index condition, never a row filter."""
    lines = [line.strip() for line in plan.splitlines() if COMPARES_END.search(line)]
    return bool(lines) and all(line.startswith("Index Cond") for line in lines)


@pytest.fixture
def activities(app):
    with app.test_request_context("/fi/activities/"):
        for days in (-30, -20, -10, 1, 2, 3):
            factories.create_activity(starts_in=timedelta(days=days))


@pytest.mark.parametrize("archive", [False, True])
def test_list_pages_check_the_end_in_the_index(app, activities, archive):
    with app.test_request_context("/fi/activities/"):
        filters = queries.ActivityFilters(archive=archive)
        assert len(queries.list_activities(filters).rows) == 3
        if db.engine.dialect.name != "postgresql":
            return
        _count, rows = plans_of(lambda: queries.list_activities(filters))[:2]
        assert_served_by(rows, STARTS)
        assert _index_checks_the_end(rows), rows


def test_api_keyset_page_checks_the_end_in_the_index(app, activities):
    with app.test_request_context("/api/v1/activities"):
        filters = queries.ActivityFilters()

        def page() -> list[int]:
            found = queries.list_activities_keyset(filters, cursor=None, per_page=2)
            return [row.activity.id for row in found.items]

        assert len(page()) == 2
        if db.engine.dialect.name != "postgresql":
            return
        rows = plans_of(page)[0]
        assert_served_by(rows, STARTS)
        assert _index_checks_the_end(rows), rows


def test_calendar_reads_from_now_in_end_order(app, activities):
    with app.test_request_context("/fi/activities/calendar.ics"):
        assert len(queries.list_for_calendar()) == 3
        if db.engine.dialect.name != "postgresql":
            return
        (plan,) = plans_of(queries.list_for_calendar)
        # Ordered by (ends_at, id) over an index on ends_at: PostgreSQL sorts only the rows
        # of one ends_at (Incremental Sort, "Presorted Key: ends_at").
        assert_served_by(plan, ENDS, sorted_by_index=False)
        assert _index_checks_the_end(plan), plan
        assert "Presorted Key: ends_at" in plan, plan
