"""the bureau's counted sessions per month and type (study_month_total), kept with the
study_month rows they sum: the dashboard's chart of sessions per month for the whole bureau
reads twelve months of it instead of twelve months of every branch's rows

Revision ID: 0039
Revises: 0038
Create Date: 2026-11-27 21:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'study_month_total',
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('session_type', sa.String(length=30), nullable=False),
        sa.Column('sessions', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('month', 'session_type', name=op.f('pk_study_month_total')),
    )
    op.execute("INSERT INTO study_month_total (month, session_type, sessions) "
               "SELECT month, session_type, sum(sessions) FROM study_month GROUP BY month, session_type")


def downgrade():
    op.drop_table('study_month_total')
