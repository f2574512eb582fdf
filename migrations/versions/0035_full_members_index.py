"""the live full party members as a partial index (ix_person_full_member): the "branch needed"
rule counts them on each project, on the projects list and the dashboard, and reads each
dispatch's person from the index instead of the table

Revision ID: 0035
Revises: 0034
Create Date: 2026-11-27 18:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0035'
down_revision = '0034'
branch_labels = None
depends_on = None

FULL_MEMBER = "deleted_at IS NULL AND party_status = 'full'"  # tracker.people.models.FULL_MEMBER


def upgrade():
    op.create_index('ix_person_full_member', 'person', ['id'], sqlite_where=sa.text(FULL_MEMBER),
                    postgresql_where=sa.text(FULL_MEMBER))


def downgrade():
    op.drop_index('ix_person_full_member', table_name='person')
