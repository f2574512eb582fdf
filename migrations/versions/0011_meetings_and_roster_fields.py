"""the full 三会一课: session types a branch marks as not applicable; gender and the date
a person joined the party, for the roster

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 14:30:00

Both text columns get an empty server default so existing rows read as "nothing marked" and
"not recorded" rather than NULL.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('branch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('not_applicable', sa.String(length=200), server_default='', nullable=False))
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gender', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('joined_party_on', sa.Date(), nullable=True))


def downgrade():
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+) rather than batch mode's copy of the table: the
    # copy drops the old person and branch tables, which other tables' foreign keys refuse.
    with op.batch_alter_table('person', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('joined_party_on')
        batch_op.drop_column('gender')
    with op.batch_alter_table('branch', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('not_applicable')
