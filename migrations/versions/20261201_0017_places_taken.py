"""activities.places_taken, kept by the database from the sign-ups (issue #11)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 11:00:00.000000

Written by hand. "Places taken" (the people of an activity's confirmed sign-ups) was a sum
over `signups` in every statement that needed it: the activities list's "has places" filter
summed the sign-ups of every activity it considered (1,001 correlated sums per count at
10,000 activities). Now it is a column that triggers keep equal to that sum on every insert,
delete and change of a sign-up's status, people or activity, whichever code (or cascade)
writes the row, so the sign-ups stay the one source of truth and the column cannot drift:

- PostgreSQL: three statement-level triggers with transition tables (one per event, as
  PostgreSQL requires), each applying one net change per activity touched by the statement
  (a purge or a COPY of thousands of sign-ups updates each activity once);
- SQLite: three row-level triggers.

A later migration that rebuilds `signups` with `batch_alter_table` on SQLite drops these
triggers with the old table and must create them again (SQLITE_UPGRADE).

The change is an increment (`places_taken = places_taken + n`) under the activity row's
lock, which the sign-up service already holds (participate.locking); a writer that did not
take it waits on the row there. The upgrade fills the column from the sign-ups.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

BACKFILL = (
    "UPDATE activities SET places_taken = ("
    "SELECT COALESCE(SUM(people), 0) FROM signups"
    " WHERE signups.activity_id = activities.id AND signups.status = 'confirmed')"
)

# PostgreSQL: the net change per activity of one statement, from its transition tables.
_PG_FUNCTION = """
CREATE FUNCTION signups_places_taken() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE activities SET places_taken = activities.places_taken + change.people
        FROM (SELECT activity_id, SUM(people) AS people FROM new_rows
              WHERE status = 'confirmed' GROUP BY activity_id) AS change
        WHERE activities.id = change.activity_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE activities SET places_taken = activities.places_taken - change.people
        FROM (SELECT activity_id, SUM(people) AS people FROM old_rows
              WHERE status = 'confirmed' GROUP BY activity_id) AS change
        WHERE activities.id = change.activity_id;
    ELSE
        UPDATE activities SET places_taken = activities.places_taken + change.people
        FROM (SELECT activity_id, SUM(people) AS people FROM (
                  SELECT activity_id, people FROM new_rows WHERE status = 'confirmed'
                  UNION ALL
                  SELECT activity_id, -people FROM old_rows WHERE status = 'confirmed'
              ) AS both_sides GROUP BY activity_id) AS change
        WHERE activities.id = change.activity_id AND change.people <> 0;
    END IF;
    RETURN NULL;
END
$$
"""
PG_UPGRADE = [
    _PG_FUNCTION,
    "CREATE TRIGGER signups_places_insert AFTER INSERT ON signups"
    " REFERENCING NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION signups_places_taken()",
    "CREATE TRIGGER signups_places_delete AFTER DELETE ON signups"
    " REFERENCING OLD TABLE AS old_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION signups_places_taken()",
    "CREATE TRIGGER signups_places_update AFTER UPDATE ON signups"
    " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION signups_places_taken()",
]
PG_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS signups_places_update ON signups",
    "DROP TRIGGER IF EXISTS signups_places_delete ON signups",
    "DROP TRIGGER IF EXISTS signups_places_insert ON signups",
    "DROP FUNCTION IF EXISTS signups_places_taken()",
]

_ADD = (
    "UPDATE activities SET places_taken = places_taken + new.people"
    " WHERE id = new.activity_id AND new.status = 'confirmed';"
)
_REMOVE = (
    "UPDATE activities SET places_taken = places_taken - old.people"
    " WHERE id = old.activity_id AND old.status = 'confirmed';"
)
SQLITE_UPGRADE = [
    f"CREATE TRIGGER signups_places_insert AFTER INSERT ON signups BEGIN {_ADD} END",
    f"CREATE TRIGGER signups_places_delete AFTER DELETE ON signups BEGIN {_REMOVE} END",
    "CREATE TRIGGER signups_places_update AFTER UPDATE OF status, people, activity_id"
    f" ON signups BEGIN {_REMOVE} {_ADD} END",
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS signups_places_update",
    "DROP TRIGGER IF EXISTS signups_places_delete",
    "DROP TRIGGER IF EXISTS signups_places_insert",
]


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        # Before the backfill reads `signups`: a sign-up written between the backfill's
        # snapshot and the triggers would be counted by neither (docs/operations.md migrates
        # while the old code serves). Reads go on; writes wait for this transaction.
        op.execute("LOCK TABLE signups IN SHARE ROW EXCLUSIVE MODE")
    op.add_column(
        "activities",
        sa.Column("places_taken", sa.Integer(), server_default="0", nullable=False),
    )
    op.execute(BACKFILL)
    for statement in PG_UPGRADE if postgresql else SQLITE_UPGRADE:
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in PG_DOWNGRADE if postgresql else SQLITE_DOWNGRADE:
        op.execute(statement)
    # SQLite 3.35+ drops a column in place; batch mode would copy `activities` and lose
    # 0012's expression index, which SQLAlchemy cannot reflect.
    op.execute("ALTER TABLE activities DROP COLUMN places_taken")
