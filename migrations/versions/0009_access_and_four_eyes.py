"""four eyes: mark approvals by a party to the record

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 14:40:00

A bureau with a single secretary may allow self-approval (REVIEW_ALLOW_SELF_APPROVAL); each
such approval is marked on the record so the ledger can say so.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

TABLES = ('study_session', 'talk')


# recreate="never": SQLite adds and drops a column in place; copying a table that others
# reference would be refused by its foreign keys once it holds data.


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
            batch_op.add_column(sa.Column('self_approved', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None, recreate='never') as batch_op:
            batch_op.drop_column('self_approved')
