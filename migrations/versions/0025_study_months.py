"""study months stored: per branch, month and session type, the counted sessions held, the
days of the first and the last, and their expected and present attendance

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-27 11:10:00

The rows are written from the existing sessions here; afterwards every flush keeps them
(tracker/study/upkeep.py), and `flask study rebuild` writes them all again.
"""
import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'study_month',
        sa.Column('branch_id', sa.Integer(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('session_type', sa.String(length=30), nullable=False),
        sa.Column('sessions', sa.Integer(), nullable=False),
        sa.Column('first_held_on', sa.Date(), nullable=False),
        sa.Column('last_held_on', sa.Date(), nullable=False),
        sa.Column('expected', sa.Integer(), nullable=False),
        sa.Column('present', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_study_month_branch_id_branch')),
        sa.PrimaryKeyConstraint('branch_id', 'month', 'session_type', name=op.f('pk_study_month')),
    )
    op.create_index('ix_study_month_month', 'study_month',
                    ['month', 'session_type', 'branch_id', 'sessions', 'expected', 'present',
                     'first_held_on', 'last_held_on'], unique=False)
    month = ("date(s.held_on, 'start of month')" if op.get_bind().dialect.name == "sqlite"
             else "CAST(date_trunc('month', s.held_on) AS DATE)")
    # Fixed strings of this migration, no input.
    op.execute(f"""
        INSERT INTO study_month (branch_id, month, session_type, sessions, first_held_on, last_held_on, expected,
                                 present)
        SELECT branch_id, month, session_type, count(*), min(held_on), max(held_on), sum(expected), sum(present) FROM (
            SELECT s.branch_id, {month} AS month, s.session_type, s.held_on,
                   (SELECT count(*) FROM attendance a WHERE a.session_id = s.id) AS expected,
                   (SELECT count(*) FROM attendance a WHERE a.session_id = s.id AND a.status = 'present') AS present
            FROM study_session s
            WHERE s.deleted_at IS NULL AND s.status IN ('submitted', 'reviewed')
        ) held
        GROUP BY branch_id, month, session_type
    """)  # nosec B608


def downgrade():
    op.drop_index('ix_study_month_month', table_name='study_month')
    op.drop_table('study_month')
