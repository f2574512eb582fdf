"""an index for due items computed in SQL: the earliest live talk of a type per dispatch

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26 14:40:00

Every due talk joins its dispatch to the earliest live talk of the type that fulfils it
(tracker/due/sql.py); this index answers that lookup without reading the talk rows.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('talk', schema=None) as batch_op:
        batch_op.create_index('ix_talk_fulfils', ['dispatch_id', 'talk_type', 'deleted_at', 'talk_date', 'id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('talk', schema=None) as batch_op:
        batch_op.drop_index('ix_talk_fulfils')
