"""member accounts: a one-time activation code (hashed) and when it expires

Revision ID: 0017
Revises: 0011
Create Date: 2026-11-26 15:40:00
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activation_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('activation_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_user_activation_hash'), ['activation_hash'])


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_activation_hash'), type_='unique')
        batch_op.drop_column('activation_expires_at')
        batch_op.drop_column('activation_hash')
