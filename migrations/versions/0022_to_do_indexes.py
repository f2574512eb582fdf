"""indexes for the to-do box, whose counts every page's navigation shows

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-27 04:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_study_session_author', 'study_session', ['author_id', 'status', 'deleted_at'])
    op.create_index('ix_talk_author', 'talk', ['author_id', 'status', 'deleted_at'])
    op.create_index('ix_study_session_waiting', 'study_session', ['status', 'deleted_at'])
    op.create_index('ix_talk_waiting', 'talk', ['status', 'deleted_at'])
    answered = sa.text('confirmation IS NOT NULL')
    op.create_index('ix_talk_answered', 'talk', ['confirmation'], sqlite_where=answered, postgresql_where=answered)


def downgrade():
    op.drop_index('ix_talk_answered', table_name='talk')
    op.drop_index('ix_talk_waiting', table_name='talk')
    op.drop_index('ix_study_session_waiting', table_name='study_session')
    op.drop_index('ix_talk_author', table_name='talk')
    op.drop_index('ix_study_session_author', table_name='study_session')
