"""a branch's live sessions in the index of their list's order: the branch page reads its
latest sessions from the index and stops after ten, instead of every session of the branch
(PostgreSQL walked the dashboard's index back from today to the branch's months)

Revision ID: 0028
Revises: 0026
Create Date: 2026-11-27 14:20:00
"""
from alembic import op

revision = '0028'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_study_session_live_branch', table_name='study_session')
    op.create_index('ix_study_session_live_branch', 'study_session',
                    ['deleted_at', 'branch_id', 'held_on', 'start_time', 'id'])
    op.execute("ANALYZE study_session")


def downgrade():
    op.drop_index('ix_study_session_live_branch', table_name='study_session')
    op.create_index('ix_study_session_live_branch', 'study_session', ['deleted_at', 'branch_id'])
