"""the map's and the "places left" list's bounded counts from indexes (issue #11)

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 17:20:00.000000

Written by hand (docs/performance.md, "Session 5"). Both lists count their rows up to
paging.MAX_LISTED_ROWS + 1; the planner read the table for it, expecting to find 1,001
matches soon, and read ~2,600 rows (the map, 4 ms) and ~2,200 rows (activities with places
left, 3 ms) at 100,000 initiatives; at 1,000 the whole table is smaller than that.

- `ix_initiatives_public_point` (published_at, id) over public initiatives with a point
  (both databases): the map's list and map.geojson in their order, and the count, from an
  index of the rows they show;
- `ix_activities_published_starts` (0008, 0019) made again on PostgreSQL with
  `INCLUDE (is_cancelled, capacity, places_taken)`: the "places left" filter is tested in
  the index, so the count is an index-only scan.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

PUBLIC_WITH_POINT = (
    "status IN ('published', 'answered', 'closed') AND lat IS NOT NULL AND lon IS NOT NULL"
)


def _activities_starts(include):
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_activities_published_starts")
    op.execute(
        "CREATE INDEX ix_activities_published_starts ON activities (starts_at, id, ends_at) "
        f"{include}WHERE status = 'published'"
    )


def upgrade():
    op.create_index(
        "ix_initiatives_public_point",
        "initiatives",
        ["published_at", "id"],
        sqlite_where=sa.text(PUBLIC_WITH_POINT),
        postgresql_where=sa.text(PUBLIC_WITH_POINT),
    )
    _activities_starts("INCLUDE (is_cancelled, capacity, places_taken) ")


def downgrade():
    _activities_starts("")
    op.drop_index("ix_initiatives_public_point", table_name="initiatives")
