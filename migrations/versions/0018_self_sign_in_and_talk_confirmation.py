"""members sign themselves in to a session (the time) and confirm their talks

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-27 03:40:00
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


# recreate="never": SQLite adds the columns in place (talk and attendance are referenced).
def upgrade():
    with op.batch_alter_table('attendance', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('self_signed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('talk', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('confirmation', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('confirmation_comment', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('talk', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('confirmation_comment')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('confirmation')
    with op.batch_alter_table('attendance', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('self_signed_at')
