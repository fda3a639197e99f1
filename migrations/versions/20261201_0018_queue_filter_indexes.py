"""indexes for the desk's queue filtered by language or district (issue #11)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 11:10:00.000000

Written by hand (docs/performance.md, "The desk's filters", has the plans). 0012's partial
`ix_<table>_queue` serves the unfiltered queue in its order; filtered by language or
district, a page and its count read every waiting item's row to test the filter (5,067 heap
rows at 100,000 initiatives for `?kind=initiative&language=sv`). These lead with the filter
column, then the queue's order, over submitted items only:

- `ix_initiatives_queue_language` (language, COALESCE(submitted_at, status_changed_at), id);
- `ix_initiatives_queue_district` and `ix_activities_queue_district` (district_id, …, id).

Activities have no language column (a title per language); their queue is short and reads
`ix_activities_queue`.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

SUBMITTED_SQL = "status = 'submitted'"
WAITING_SINCE = sa.text("COALESCE(submitted_at, status_changed_at)")

INDEXES = [
    ("ix_initiatives_queue_language", "initiatives", ["language", WAITING_SINCE, "id"]),
    ("ix_initiatives_queue_district", "initiatives", ["district_id", WAITING_SINCE, "id"]),
    ("ix_activities_queue_district", "activities", ["district_id", WAITING_SINCE, "id"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(
            name,
            table,
            columns,
            sqlite_where=sa.text(SUBMITTED_SQL),
            postgresql_where=sa.text(SUBMITTED_SQL),
        )


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
