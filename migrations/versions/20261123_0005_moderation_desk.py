"""moderation desk: standard reasons, residents' reports, moderator edits of initiatives

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 12:00:00.000000

Written by hand after autogenerate and read through. Seeds five standard reasons in Finnish,
Swedish (as written in Esbo) and English; the moderators edit the list at
/<lang>/moderation/reasons. tests/moderation/test_migration.py checks the seed.
"""

from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# (Finnish, Swedish, English): full sentences, as the author reads them in the e-mail.
SEED_REASONS = [
    (
        "Asia ei ole kaupungin päätettävissä.",
        "Frågan är inte något som staden kan besluta om.",
        "This is not a matter for the city to decide.",
    ),
    (
        "Teksti sisältää henkilötietoja, esimerkiksi nimen, puhelinnumeron tai osoitteen.",
        "Texten innehåller personuppgifter, till exempel ett namn, ett telefonnummer eller en adress.",
        "The text contains personal data, such as a name, a phone number or an address.",
    ),
    (
        "Teksti sisältää loukkaavaa tai syrjivää kieltä.",
        "Texten innehåller kränkande eller diskriminerande språk.",
        "The text contains offensive or discriminatory language.",
    ),
    (
        "Samasta asiasta on jo tehty aloite. Voit kannattaa sitä.",
        "Det finns redan ett initiativ om samma sak. Du kan stöda det.",
        "There is already an initiative on the same matter. You can support it.",
    ),
    (
        "Teksti on mainontaa tai roskapostia.",
        "Texten är reklam eller skräppost.",
        "The text is advertising or spam.",
    ),
]


def upgrade():
    standard_reasons = op.create_table(
        "standard_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text_fi", sa.String(length=500), nullable=False),
        sa.Column("text_sv", sa.String(length=500), nullable=False),
        sa.Column("text_en", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standard_reasons")),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_kind", sa.String(length=30), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "spam",
                "offensive",
                "personal_data",
                "not_city_matter",
                "other",
                name="reportreason",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "kept", "hidden", "restored", name="reportoutcome", native_enum=False, length=20
            ),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name=op.f("fk_reports_reporter_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["users.id"], name=op.f("fk_reports_resolved_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint(
            "item_kind",
            "item_id",
            "reporter_id",
            name=op.f("uq_reports_item_kind_item_id_reporter_id"),
        ),
    )
    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reports_open", ["resolved_at", "item_kind", "item_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reports_reporter_id"), ["reporter_id"], unique=False)

    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("moderator_edited_at", sa.DateTime(timezone=True), nullable=True)
        )

    now = datetime.now(timezone.utc)
    op.bulk_insert(
        standard_reasons,
        [
            {
                "text_fi": fi,
                "text_sv": sv,
                "text_en": en,
                "position": 10 * number,
                "is_active": True,
                "created_at": now,
                "updated_at": now,
            }
            for number, (fi, sv, en) in enumerate(SEED_REASONS, start=1)
        ],
    )


def downgrade():
    with op.batch_alter_table("initiatives", schema=None) as batch_op:
        batch_op.drop_column("moderator_edited_at")

    with op.batch_alter_table("reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reports_reporter_id"))
        batch_op.drop_index("ix_reports_open")

    op.drop_table("reports")
    op.drop_table("standard_reasons")
