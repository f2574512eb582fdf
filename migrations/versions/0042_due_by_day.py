"""due talks and checkpoints by kind and due day, then done_lag (ix_due_talk_day,
ix_due_checkpoint_day): the dashboard counts the items due in its period by state from a
range of this index; ix_*_state, led by done_lag after the kind, made PostgreSQL walk every
item of the kind to find those of the period

Revision ID: 0042
Revises: 0041
Create Date: 2026-11-28 01:05:00
"""
from alembic import op

revision = '0042'
down_revision = '0041'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_due_talk_day', 'due_talk', ['kind', 'base_on', 'done_lag'])
    op.create_index('ix_due_checkpoint_day', 'due_checkpoint', ['kind', 'base_on', 'done_lag'])


def downgrade():
    op.drop_index('ix_due_checkpoint_day', table_name='due_checkpoint')
    op.drop_index('ix_due_talk_day', table_name='due_talk')
