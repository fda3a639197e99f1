"""indexes for the public lists' filters and orders (issue #11)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 03:30:00.000000

Written by hand. Partial indexes over the rows the public sees, in the lists' orders, so
the first page, any keyset page and a bounded deep page read only the rows they show
instead of sorting every public initiative (docs/performance.md has the plans):

- initiatives, public statuses: (published_at, id) for "newest", (support_count,
  published_at, id) for "most supported", (district_id, published_at, id) for a district;
- activities, published: (starts_at, id) for the upcoming list and the archive, (ends_at)
  for the "not yet ended" / "ended" split.

The WHERE clauses are the ones in the models (PUBLIC_STATUS_SQL); both SQLite and
PostgreSQL support partial indexes.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

PUBLIC_STATUS_SQL = "status IN ('published', 'answered', 'closed')"
PUBLISHED_SQL = "status = 'published'"

INDEXES = [
    ("ix_initiatives_public_newest", "initiatives", ["published_at", "id"], PUBLIC_STATUS_SQL),
    (
        "ix_initiatives_public_supported",
        "initiatives",
        ["support_count", "published_at", "id"],
        PUBLIC_STATUS_SQL,
    ),
    (
        "ix_initiatives_public_district",
        "initiatives",
        ["district_id", "published_at", "id"],
        PUBLIC_STATUS_SQL,
    ),
    ("ix_activities_published_starts", "activities", ["starts_at", "id"], PUBLISHED_SQL),
    ("ix_activities_published_ends", "activities", ["ends_at"], PUBLISHED_SQL),
]


def upgrade():
    for name, table, columns, where in INDEXES:
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
