"""talk.late_reason: why a talk was held after its due day

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-26 15:40:00

A pre-dispatch talk held after the departure date is recorded (and counted Done late) with
the reason it was late, instead of being refused.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('talk', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('late_reason', sa.String(length=500), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('talk', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('late_reason')
