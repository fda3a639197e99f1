"""activities' list order carries the end time (issue #11)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 11:10:00.000000

Written by hand (docs/performance.md has the plans):

- ix_activities_published_starts becomes (starts_at, id, ends_at) WHERE published. The
  upcoming list and the API read it in (starts_at, id) order with `ends_at > now`, the
  archive backwards with `ends_at <= now`; with `ends_at` in the index the database checks
  it on the index entry (`Index Cond`) instead of fetching the row first, so the upcoming
  list no longer reads every ended activity from the table, nor the archive every
  upcoming one, before its first row.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

PUBLISHED = sa.text("status = 'published'")


def _create(columns):
    op.create_index(
        "ix_activities_published_starts",
        "activities",
        columns,
        sqlite_where=PUBLISHED,
        postgresql_where=PUBLISHED,
    )


def upgrade():
    op.drop_index("ix_activities_published_starts", table_name="activities")
    _create(["starts_at", "id", "ends_at"])


def downgrade():
    op.drop_index("ix_activities_published_starts", table_name="activities")
    _create(["starts_at", "id"])
