"""the records waiting for review with the moment they wait since, for the dashboard's review
queue: its oldest and its late ones are read from the index alone

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-27 07:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade():
    # partial: only a query that names the status 'submitted' as a literal can use it, so it
    # never competes with the indexes of other queries; it leads with the status like
    # ix_*_waiting, so a planner with or without statistics prefers it, covering, there
    waiting = sa.text("status = 'submitted'")
    columns = ['status', 'deleted_at', 'submitted_at', 'updated_at', 'id']
    op.create_index('ix_study_session_waiting_since', 'study_session', columns,
                    sqlite_where=waiting, postgresql_where=waiting)
    op.create_index('ix_talk_waiting_since', 'talk', columns, sqlite_where=waiting, postgresql_where=waiting)


def downgrade():
    op.drop_index('ix_talk_waiting_since', table_name='talk')
    op.drop_index('ix_study_session_waiting_since', table_name='study_session')
