"""an index of people by party status: the points table counts the party members as everyone
less the deleted and the non-members, whom the index counts alone

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-27 08:50:00
"""
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_person_party_status', 'person', ['party_status', 'deleted_at'])


def downgrade():
    op.drop_index('ix_person_party_status', table_name='person')
