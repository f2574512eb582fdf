"""kept counts: how many live talks and stored due talks there are, kept by the writes, which
the talks list and the talks due list read instead of counting the tables on every page

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-27 14:10:00

The counts are written from the existing rows here; afterwards every write keeps them
(tracker/talks/counting.py, tracker/due/upkeep.py); `flask talks recount` and `flask due
rebuild` write them again.
"""
import sqlalchemy as sa
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

SHARDS = 8  # tracker.kept_counts.SHARDS


def upgrade():
    op.create_table(
        'kept_count',
        sa.Column('name', sa.String(length=30), nullable=False),
        sa.Column('shard', sa.Integer(), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('name', 'shard', name=op.f('pk_kept_count')),
    )
    # Fixed strings of this migration, no input.
    for name, counted in (("talk", "talk WHERE deleted_at IS NULL"), ("due_talk", "due_talk")):
        op.execute(f"INSERT INTO kept_count (name, shard, n) SELECT '{name}', 0, count(*) FROM {counted}")  # nosec B608
        for shard in range(1, SHARDS):
            op.execute(f"INSERT INTO kept_count (name, shard, n) VALUES ('{name}', {shard}, 0)")


def downgrade():
    op.drop_table('kept_count')
