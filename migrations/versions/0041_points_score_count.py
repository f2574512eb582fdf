"""the spread of the points tally's scores among live party members (points_score_count),
kept with the tally: the bureau's points table counts its vanguard post from the few scores
above the threshold instead of every tally row above it; and the tally by person
(ix_points_tally_person), which the spread counts a person's rows of every year from

Revision ID: 0041
Revises: 0040
Create Date: 2026-11-28 01:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0041'
down_revision = '0040'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'points_score_count',
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('category', sa.String(length=30), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.Column('shard', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', 'category', 'points', 'shard', name=op.f('pk_points_score_count')),
    )
    op.create_index('ix_points_tally_person', 'points_tally', ['person_id', 'year', 'category', 'points'])
    op.execute("INSERT INTO points_score_count (year, category, points, shard, n) "
               "SELECT points_tally.year, points_tally.category, points_tally.points, 0, count(*) "
               "FROM points_tally JOIN person ON person.id = points_tally.person_id "
               "WHERE person.deleted_at IS NULL AND person.party_status != 'none' "
               "GROUP BY points_tally.year, points_tally.category, points_tally.points")


def downgrade():
    op.drop_index('ix_points_tally_person', table_name='points_tally')
    op.drop_table('points_score_count')
