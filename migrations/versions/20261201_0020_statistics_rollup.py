"""supports counted per hour by the database, and a covering index for the statistics'
initiative aggregates (issue #11)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 11:20:00.000000

Written by hand (docs/performance.md, "Statistics", has the plans). The statistics page's
first request after its 60 s cache took ~2.6 s at 1,100,000 supports: the supports per
Helsinki month walked one index entry per support of the period.

- `support_hours (hour, supports)`: the supports whose `created_at` falls in each UTC hour,
  kept by triggers on `supports` (insert, delete, and an update of `created_at`), whatever
  writes the rows (a support, a withdrawal, a cascade, the benchmark's COPY), so the
  supports stay the one source of truth. Helsinki's offset from UTC is whole hours, so every
  hour lies in one Helsinki month and a year of statistics sums at most 8,784 rows however
  many supports there are. PostgreSQL: statement-level triggers with transition tables (one
  upsert per statement and hour); SQLite: row-level triggers with an upsert. Hours are UTC
  (`date_trunc('hour', created_at AT TIME ZONE 'UTC')`, SQLite's stored text cut to the
  hour), independent of the session's time zone. A row whose count falls to 0 stays (an
  hour with no supports left sums to 0). The upgrade fills it from the supports.
- `ix_initiatives_statistics` (first_submitted_at, district_id, theme_id, status,
  support_count, first_decision_at): the period's submissions per month, district, theme and
  status and the decision times read this index only (PostgreSQL: an index-only scan while
  the visibility map is current) instead of 25,000 heap rows a year at 100,000 initiatives;
  `ix_activities_statistics` (first_submitted_at, status, first_decision_at) likewise for
  the activity proposals' statuses and decision times.

A later migration that rebuilds `supports` with `batch_alter_table` on SQLite drops these
triggers with the old table and must create them again (SQLITE_UPGRADE).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

PG_HOUR = "date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
_PG_UPSERT = (
    "INSERT INTO support_hours (hour, supports) SELECT hour, SUM(change) FROM ({rows}) AS c"
    " GROUP BY hour HAVING SUM(change) <> 0"
    " ON CONFLICT (hour) DO UPDATE SET supports = support_hours.supports + EXCLUDED.supports;"
)
_PG_NEW = f"SELECT {PG_HOUR} AS hour, 1 AS change FROM new_rows"
_PG_OLD = f"SELECT {PG_HOUR} AS hour, -1 AS change FROM old_rows"
_PG_FUNCTION = f"""
CREATE FUNCTION supports_per_hour() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_PG_UPSERT.format(rows=_PG_NEW)}
    ELSIF TG_OP = 'DELETE' THEN
        {_PG_UPSERT.format(rows=_PG_OLD)}
    ELSE
        {_PG_UPSERT.format(rows=_PG_NEW + " UNION ALL " + _PG_OLD)}
    END IF;
    RETURN NULL;
END
$$
"""
PG_UPGRADE = [
    # Before the backfill reads `supports`: a support given or withdrawn between the
    # backfill's snapshot and the triggers would be counted by neither (docs/operations.md
    # migrates while the old code serves). Reads go on; writes wait for this transaction.
    "LOCK TABLE supports IN SHARE ROW EXCLUSIVE MODE",
    f"INSERT INTO support_hours (hour, supports) SELECT {PG_HOUR}, count(*) FROM supports"
    " GROUP BY 1",
    _PG_FUNCTION,
    "CREATE TRIGGER supports_hours_insert AFTER INSERT ON supports"
    " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION supports_per_hour()",
    "CREATE TRIGGER supports_hours_delete AFTER DELETE ON supports"
    " REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION supports_per_hour()",
    "CREATE TRIGGER supports_hours_update AFTER UPDATE ON supports"
    " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION supports_per_hour()",
]
PG_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS supports_hours_update ON supports",
    "DROP TRIGGER IF EXISTS supports_hours_delete ON supports",
    "DROP TRIGGER IF EXISTS supports_hours_insert ON supports",
    "DROP FUNCTION IF EXISTS supports_per_hour()",
]

# SQLite stores these datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC): the hour is that text
# with the minutes, seconds and microseconds zeroed, as SQLAlchemy reads and binds it.
SQLITE_HOUR = "substr({row}.created_at, 1, 13) || ':00:00.000000'"


def _sqlite_change(row: str, change: int) -> str:
    return (
        f"INSERT INTO support_hours (hour, supports) VALUES ({SQLITE_HOUR.format(row=row)},"
        f" {change}) ON CONFLICT (hour) DO UPDATE SET supports = supports + ({change});"
    )


SQLITE_UPGRADE = [
    "INSERT INTO support_hours (hour, supports)"
    f" SELECT {SQLITE_HOUR.format(row='supports')}, count(*) FROM supports GROUP BY 1",
    "CREATE TRIGGER supports_hours_insert AFTER INSERT ON supports"
    f" BEGIN {_sqlite_change('new', 1)} END",
    "CREATE TRIGGER supports_hours_delete AFTER DELETE ON supports"
    f" BEGIN {_sqlite_change('old', -1)} END",
    "CREATE TRIGGER supports_hours_update AFTER UPDATE OF created_at ON supports"
    f" BEGIN {_sqlite_change('old', -1)} {_sqlite_change('new', 1)} END",
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS supports_hours_update",
    "DROP TRIGGER IF EXISTS supports_hours_delete",
    "DROP TRIGGER IF EXISTS supports_hours_insert",
]

STATISTICS_COLUMNS = [
    "first_submitted_at",
    "district_id",
    "theme_id",
    "status",
    "support_count",
    "first_decision_at",
]

ACTIVITY_COLUMNS = ["first_submitted_at", "status", "first_decision_at"]


def upgrade():
    op.create_table(
        "support_hours",
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("supports", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("hour", name=op.f("pk_support_hours")),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in PG_UPGRADE if postgresql else SQLITE_UPGRADE:
        op.execute(statement)
    op.create_index("ix_initiatives_statistics", "initiatives", STATISTICS_COLUMNS)
    op.create_index("ix_activities_statistics", "activities", ACTIVITY_COLUMNS)


def downgrade():
    op.drop_index("ix_activities_statistics", table_name="activities")
    op.drop_index("ix_initiatives_statistics", table_name="initiatives")
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in PG_DOWNGRADE if postgresql else SQLITE_DOWNGRADE:
        op.execute(statement)
    op.drop_table("support_hours")
