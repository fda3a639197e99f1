"""indexes for the desk's queue and the statistics' supports per month (issue #11)

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-01 04:40:00.000000

Written by hand (docs/performance.md has the plans):

- supports (created_at): the statistics count supports per Helsinki month over a period;
  the range reads this index only (an index-only scan) instead of every support row;
- initiatives and activities, submitted only: (COALESCE(submitted_at, status_changed_at),
  id), the queue's "waiting since" for a submission without open reports, in the queue's
  order (oldest first, id last for a total order): a page of the queue reads its rows from
  this partial index and stops (moderation.queries).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0009"
branch_labels = None
depends_on = None

SUBMITTED_SQL = "status = 'submitted'"
WAITING_SINCE = sa.text("COALESCE(submitted_at, status_changed_at)")

INDEXES = [
    ("ix_supports_created_at", "supports", ["created_at"], None),
    ("ix_initiatives_queue", "initiatives", [WAITING_SINCE, "id"], SUBMITTED_SQL),
    ("ix_activities_queue", "activities", [WAITING_SINCE, "id"], SUBMITTED_SQL),
]


def upgrade():
    for name, table, columns, where in INDEXES:
        if where is None:
            op.create_index(name, table, columns)
        else:
            op.create_index(
                name,
                table,
                columns,
                sqlite_where=sa.text(where),
                postgresql_where=sa.text(where),
            )


def downgrade():
    for name, table, _columns, _where in reversed(INDEXES):
        op.drop_index(name, table_name=table)
