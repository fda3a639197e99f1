"""councillors: parties, councillors, cache_versions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:00:00

Written by hand (autogenerate also saw other sessions' tables). `cache_versions` starts with
the row the councillor map's cache token lives in (participate.councillors.maps).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('name_fi', sa.String(length=120), nullable=False),
    sa.Column('name_sv', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('abbr_fi', sa.String(length=20), nullable=False),
    sa.Column('abbr_sv', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parties')),
    sa.UniqueConstraint('code', name=op.f('uq_parties_code'))
    )
    op.create_table('councillors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('last_name', sa.String(length=80), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('photo_url', sa.String(length=500), nullable=True),
    sa.Column('languages', sa.String(length=40), nullable=False),
    sa.Column('committees_fi', sa.Text(), nullable=False),
    sa.Column('committees_sv', sa.Text(), nullable=False),
    sa.Column('committees_en', sa.Text(), nullable=False),
    sa.Column('term', sa.String(length=9), nullable=False),
    sa.Column('role', sa.Enum('member', 'deputy', name='councillorrole', native_enum=False, create_constraint=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role IN ('member', 'deputy')", name=op.f('ck_councillors_role')),
    sa.ForeignKeyConstraint(['district_id'], ['districts.id'], name=op.f('fk_councillors_district_id_districts')),
    sa.ForeignKeyConstraint(['party_id'], ['parties.id'], name=op.f('fk_councillors_party_id_parties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_councillors')),
    sa.UniqueConstraint('email', name=op.f('uq_councillors_email'))
    )
    with op.batch_alter_table('councillors', schema=None) as batch_op:
        batch_op.create_index('ix_councillors_district_party', ['district_id', 'party_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_councillors_party_id'), ['party_id'], unique=False)

    cache_versions = op.create_table('cache_versions',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_cache_versions'))
    )
    op.bulk_insert(cache_versions, [{'name': 'councillors-map', 'token': 'initial'}])


def downgrade():
    op.drop_table('cache_versions')
    with op.batch_alter_table('councillors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_councillors_party_id'))
        batch_op.drop_index('ix_councillors_district_party')

    op.drop_table('councillors')
    op.drop_table('parties')
