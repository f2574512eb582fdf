"""a covering index of a project's live dispatches and their people

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 06:30:00

Measured on 20,000 dispatches (SQLite): the branch-needed rule of the projects list counts
each listed project's full party members in 0.5 ms instead of 3.5 ms, reading the dispatches
from this index alone instead of looking up every dispatch row.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.create_index('ix_dispatch_project_live_person', ['project_id', 'deleted_at', 'person_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.drop_index('ix_dispatch_project_live_person')
