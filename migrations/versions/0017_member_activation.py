"""member accounts: a one-time activation code (hashed) and when it expires

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-26 15:40:00
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


# A unique index, not a constraint, and recreate="never": SQLite adds both in place, while
# copying `user` (which most tables reference) would be refused by their foreign keys.
def upgrade():
    with op.batch_alter_table('user', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('activation_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('activation_expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_activation_hash'), ['activation_hash'], unique=True)


def downgrade():
    with op.batch_alter_table('user', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_activation_hash'))
        batch_op.drop_column('activation_expires_at')
        batch_op.drop_column('activation_hash')
