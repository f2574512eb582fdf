"""a branch's counted sessions as a partial index (ix_study_session_held): the study rules
read them on every branch page, from the index alone instead of a table row each

Revision ID: 0036
Revises: 0035
Create Date: 2026-11-27 21:20:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None

COUNTED_LIVE = "deleted_at IS NULL AND status IN ('submitted', 'reviewed')"  # tracker.study.models.COUNTED_LIVE


def upgrade():
    op.create_index('ix_study_session_held', 'study_session', ['branch_id', 'held_on', 'session_type', 'id'],
                    sqlite_where=sa.text(COUNTED_LIVE), postgresql_where=sa.text(COUNTED_LIVE))


def downgrade():
    op.drop_index('ix_study_session_held', table_name='study_session')
