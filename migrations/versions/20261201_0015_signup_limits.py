"""a sign-up's accessibility needs are at most 1,000 characters in the column too (issue #12)

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-01 06:40:00.000000

Written by hand. The sign-up form always refused more than 1,000 characters; the column was
TEXT. Now the limit is declared once (`activities.models.SIGNUP_LIMITS`) and the column says
it too, like the name (100) and e-mail (254) columns already did. No row can be longer, so
nothing is cut.
"""

import warnings

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None

NEEDS_MAX = 1000


def _retype(old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    # SQLite copies the table (batch mode) and reflects the tables it refers to; SQLAlchemy
    # cannot reflect the expression index on `activities` (0012) and warns. That table is
    # not copied, so its index is untouched: the warning does not apply here.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection")
        with op.batch_alter_table("signups") as batch:
            batch.alter_column(
                "accessibility_needs", existing_type=old, type_=new, existing_nullable=False
            )


def upgrade() -> None:
    _retype(sa.Text(), sa.String(NEEDS_MAX))


def downgrade() -> None:
    _retype(sa.String(NEEDS_MAX), sa.Text())
