"""an activity's place and an answer's decision-maker in Swedish and English too (issue #12)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 04:00:00.000000

Written by hand. The existing columns (`activities.place`, `initiative_answers.decision_maker`)
keep the Finnish text (the models read them as `place_fi` / `decision_maker_fi`); the new
Swedish and English columns start empty, so pages show the Finnish text with the visible
fallback note until the city writes the others. Nothing is lost on downgrade but the
Swedish and English texts.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

PLACE_MAX = 300
DECISION_MAKER_MAX = 200


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        for lang in ("sv", "en"):
            batch.add_column(
                sa.Column(f"place_{lang}", sa.String(PLACE_MAX), nullable=False, server_default="")
            )
    with op.batch_alter_table("initiative_answers") as batch:
        for lang in ("sv", "en"):
            batch.add_column(
                sa.Column(
                    f"decision_maker_{lang}",
                    sa.String(DECISION_MAKER_MAX),
                    nullable=False,
                    server_default="",
                )
            )


def downgrade() -> None:
    with op.batch_alter_table("initiative_answers") as batch:
        for lang in ("en", "sv"):
            batch.drop_column(f"decision_maker_{lang}")
    with op.batch_alter_table("activities") as batch:
        for lang in ("en", "sv"):
            batch.drop_column(f"place_{lang}")
