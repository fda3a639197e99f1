"""the statistics' covering index also covers the council report's counts (issue #11)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 11:40:00.000000

Written by hand (docs/performance.md, "Council report counts"). The council report counts
the initiatives first sent in its period per district and status, and those that reached
the threshold (moderation.council_report.count_submitted): a bitmap heap scan of 25,400
rows and ~12,000 heap pages for six months at 100,000 initiatives. 0020's
`ix_initiatives_statistics` had every column but `threshold_reached_at`; recreated with it
last, it serves the statistics as before and the report's counts from the index alone.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

BEFORE = [
    "first_submitted_at",
    "district_id",
    "theme_id",
    "status",
    "support_count",
    "first_decision_at",
]
AFTER = [*BEFORE, "threshold_reached_at"]


def upgrade():
    op.drop_index("ix_initiatives_statistics", table_name="initiatives")
    op.create_index("ix_initiatives_statistics", "initiatives", AFTER)


def downgrade():
    op.drop_index("ix_initiatives_statistics", table_name="initiatives")
    op.create_index("ix_initiatives_statistics", "initiatives", BEFORE)
