"""index for the council report's and the statistics' period (issue #11)

Revision ID: 0014
Revises: 0015
Create Date: 2026-12-01 07:00:00.000000

Written by hand (docs/performance.md has the plans):

- initiatives (first_submitted_at, id): the council report lists the initiatives first sent
  in a period in this order and stops after the page's bound (moderation.council_report);
  its counts and the statistics' per-period counts read the same range instead of the table.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_initiatives_first_submitted", "initiatives", ["first_submitted_at", "id"]
    )


def downgrade():
    op.drop_index("ix_initiatives_first_submitted", table_name="initiatives")
