"""the desk's queue indexes carry the columns of its order (issue #11)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 17:00:00.000000

Written by hand (docs/performance.md, "Session 5"). PostgreSQL only. The queue's order is
the expression COALESCE(submitted_at, status_changed_at); PostgreSQL reads an expression
index without visiting the table only when the expression's columns are in the index too.
Without them the desk's page 20 (1,000 waiting initiatives read in order, 950 skipped)
fetched one heap row per entry: 0.9 ms for the initiatives' half, 3.3 ms for the whole
UNION; with them (INCLUDE) an index-only scan: 0.1 ms and 1.4 ms. The five queue indexes of
0012 and 0018 are made again with `INCLUDE (submitted_at, status_changed_at)`
(participate.workflow.models.queue_index declares the same). SQLite's indexes stay as they
are (it has no INCLUDE; its planner reads the columns from the table).
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

WAITING_SINCE = "COALESCE(submitted_at, status_changed_at)"
INDEXES = [
    ("ix_initiatives_queue", "initiatives", ""),
    ("ix_initiatives_queue_language", "initiatives", "language, "),
    ("ix_initiatives_queue_district", "initiatives", "district_id, "),
    ("ix_activities_queue", "activities", ""),
    ("ix_activities_queue_district", "activities", "district_id, "),
]


def _recreate(include):
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, leading in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(
            f"CREATE INDEX {name} ON {table} ({leading}{WAITING_SINCE}, id) {include}"
            "WHERE status = 'submitted'"
        )


def upgrade():
    _recreate("INCLUDE (submitted_at, status_changed_at) ")


def downgrade():
    _recreate("")
