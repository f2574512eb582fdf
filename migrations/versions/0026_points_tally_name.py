"""the points tally's rows carry the person's name, and its ranking index orders by it after
the points: a page of the table (a category's above all, whose few scores tie thousands of
people) reads its rows in the table's order instead of sorting a whole tie by name

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-27 11:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('points_tally', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=50), server_default='', nullable=False))
    op.execute("UPDATE points_tally SET name = (SELECT person.name FROM person WHERE person.id = points_tally.person_id)")
    op.drop_index('ix_points_tally_rank', table_name='points_tally')
    op.create_index('ix_points_tally_rank', 'points_tally',
                    ['year', 'category', sa.text('points DESC'), 'name', 'person_id'])
    # The planner's figures for the new index: without them SQLite reads a page's categories
    # (person ids of one year) through it, a whole year, rather than the primary key.
    op.execute("ANALYZE points_tally")


def downgrade():
    op.drop_index('ix_points_tally_rank', table_name='points_tally')
    op.create_index('ix_points_tally_rank', 'points_tally', ['year', 'category', 'points', 'person_id'])
    with op.batch_alter_table('points_tally', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('name')
