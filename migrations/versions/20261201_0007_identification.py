"""strong identification, supports split by kind, filing and the council's clock

Revision ID: 0007
Revises: 0011
Create Date: 2026-12-01 03:30:00.000000

Written by hand after autogenerate and read through.
- identities: a strong identification linked to an account; the national identification
  number is never stored, only its keyed hash (accounts/identity.py).
- identification_requests: SAML requests waiting for the identity provider's answer.
- supports: person_hash (one support per person across accounts) and is_resident (counts
  toward the threshold). Existing supports were by e-mail-verified accounts: "other".
- initiatives: resident_support_count; filing (filed_at, filed_by_id) and the council's
  decision (council_decision_at, council_minutes_url). threshold_reached_at existed, but it
  was set from all supports: it is cleared, since no identified supports exist yet.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("person_hash", sa.String(length=64), nullable=False),
        sa.Column("municipality_code", sa.String(length=3), nullable=False),
        sa.Column("is_voting_age", sa.Boolean(), nullable=False),
        sa.Column("level_of_assurance", sa.String(length=200), nullable=False),
        sa.Column("identified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_name", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_identities_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identities")),
        sa.UniqueConstraint("user_id", name=op.f("uq_identities_user_id")),
    )
    with op.batch_alter_table("identities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identities_person_hash"), ["person_hash"], unique=False)

    op.create_table(
        "identification_requests",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("return_to", sa.String(length=500), nullable=False),
        sa.Column("show_name", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_identification_requests_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identification_requests")),
    )
    with op.batch_alter_table("identification_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identification_requests_user_id"), ["user_id"], unique=False
        )

    with op.batch_alter_table("supports", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("is_resident", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_supports_initiative_id_person_hash"), ["initiative_id", "person_hash"]
        )

    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("resident_support_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("filed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("filed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("council_decision_at", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("council_minutes_url", sa.String(length=500), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_initiatives_filed_at"), ["filed_at"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_initiatives_filed_by_id_users"), "users", ["filed_by_id"], ["id"]
        )
        batch_op.create_check_constraint(
            op.f("ck_initiatives_resident_support_count_range"),
            "resident_support_count >= 0 AND resident_support_count <= support_count",
        )
    op.execute(sa.text("UPDATE initiatives SET threshold_reached_at = NULL"))


def downgrade():
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_initiatives_resident_support_count_range"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_initiatives_filed_by_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_initiatives_filed_at"))
        batch_op.drop_column("council_minutes_url")
        batch_op.drop_column("council_decision_at")
        batch_op.drop_column("filed_by_id")
        batch_op.drop_column("filed_at")
        batch_op.drop_column("resident_support_count")

    with op.batch_alter_table("supports", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_supports_initiative_id_person_hash"), type_="unique")
        batch_op.drop_column("is_resident")
        batch_op.drop_column("person_hash")

    with op.batch_alter_table("identification_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identification_requests_user_id"))
    op.drop_table("identification_requests")

    with op.batch_alter_table("identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identities_person_hash"))
    op.drop_table("identities")
