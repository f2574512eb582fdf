"""drop ix_dispatch_project_id: ix_dispatch_project_live_person starts with project_id

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 09:20:00

Every lookup of a project's dispatches can read the covering index of migration 0006, whose
first column is project_id; the single-column index only cost every dispatch write.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.drop_index('ix_dispatch_project_id')


def downgrade():
    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.create_index('ix_dispatch_project_id', ['project_id'], unique=False)
