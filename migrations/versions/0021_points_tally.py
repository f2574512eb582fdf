"""points tally: a person's yearly points per category, kept with the records they come from

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-27 03:50:00

A database that already holds reviewed records gets a row in points_tally_status: until
`flask --app wsgi points rebuild` fills the tally, the points tables keep deriving points
from the records (correct, only slower). An empty database needs no rebuild.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'points_tally',
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=30), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_points_tally_person_id_person')),
        sa.PrimaryKeyConstraint('year', 'person_id', 'category', name=op.f('pk_points_tally')),
    )
    op.create_index('ix_points_tally_rank', 'points_tally', ['year', 'category', 'points', 'person_id'])
    status = op.create_table(
        'points_tally_status',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_points_tally_status')),
    )
    counted = op.get_bind().scalar(sa.text(
        "SELECT (SELECT count(*) FROM study_session WHERE status = 'reviewed')"
        " + (SELECT count(*) FROM talk WHERE status = 'reviewed')"
        " + (SELECT count(*) FROM points_entry WHERE status = 'reviewed')"))
    if counted:
        op.bulk_insert(status, [{'id': 1, 'reason': 'records reviewed before migration 0021'}])


def downgrade():
    op.drop_table('points_tally_status')
    op.drop_index('ix_points_tally_rank', table_name='points_tally')
    op.drop_table('points_tally')
