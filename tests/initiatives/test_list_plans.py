"""The map's list, its count and map.geojson read an index of the rows they show (issue #11,
migration 0024): public initiatives with a point, newest first. tests/plans.py explains how
a small test database shows which index can serve a statement. The plans are checked on
PostgreSQL."""

from __future__ import annotations

from participate.extensions import db
from participate.initiatives import queries
from tests import factories
from tests.plans import assert_served_by, plans_of

INDEX = "ix_initiatives_public_point"


def test_the_map_reads_the_public_point_index(app):
    with app.test_request_context("/fi/initiatives/map"):
        factories.create_initiative(status="published", lat=60.2, lon=24.7)
        factories.create_initiative(status="published")  # no point: not on the map
        factories.create_initiative(status="submitted", lat=60.2, lon=24.7)  # not public
        filters = queries.Filters()
        assert queries.list_public_with_point(filters).total == 1
        if db.engine.dialect.name != "postgresql":
            return  # SQLite, without statistics on a handful of rows, takes the status index
        rows, count = plans_of(lambda: queries.list_public_with_point(filters))[:2]
        (points,) = plans_of(lambda: queries.list_points(filters, None))
        assert_served_by(rows, INDEX)
        assert_served_by(points, INDEX)
        # The bounded count from the index of the rows it counts (1,001 entries at most, not
        # ~2,600 table rows): an index-only scan once the table is vacuumed.
        assert INDEX in count, count
