"""the due items counted by lag (done ones) and by date (open ones), kept by the writes
(tracker/due/kept.py): the talks due list counts each state over a few of these rows
instead of a range of tens of thousands of index entries at ten times the province

Revision ID: 0040
Revises: 0039
Create Date: 2026-11-28 01:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0040'
down_revision = '0039'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'due_lag_count',
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('done_lag', sa.Integer(), nullable=False),
        sa.Column('shard', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'done_lag', 'shard', name=op.f('pk_due_lag_count')),
    )
    op.create_table(
        'due_open_count',
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('base_on', sa.Date(), nullable=False),
        sa.Column('shard', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'base_on', 'shard', name=op.f('pk_due_open_count')),
    )
    for table in ('due_talk', 'due_checkpoint'):
        op.execute(f"INSERT INTO due_lag_count (kind, done_lag, shard, n) SELECT kind, done_lag, 0, count(*) FROM {table} "
                   "WHERE done_lag IS NOT NULL GROUP BY kind, done_lag")  # nosec B608 (a table name above)
        op.execute(f"INSERT INTO due_open_count (kind, base_on, shard, n) SELECT kind, base_on, 0, count(*) FROM {table} "
                   "WHERE done_lag IS NULL GROUP BY kind, base_on")  # nosec B608 (a table name above)


def downgrade():
    op.drop_table('due_open_count')
    op.drop_table('due_lag_count')
