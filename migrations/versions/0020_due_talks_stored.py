"""due talks stored: per live dispatch and talk kind, the date the due day counts from and
the earliest talk that fulfils it

Revision ID: 0020
Revises: 0017
Create Date: 2026-11-27 03:50:00

The rows are written from the existing dispatches and talks here; afterwards every flush
keeps them (tracker/due/upkeep.py), and `flask due rebuild` writes them all again.
Also an index that lets the sessions list count live sessions without reading their rows.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = "0018"
branch_labels = None
depends_on = None

KINDS = {"pre_talk": ("pre_dispatch", "departure_date"), "post_talk": ("post_dispatch", "return_date")}


def upgrade():
    op.create_table(
        'due_talk',
        sa.Column('dispatch_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('base_on', sa.Date(), nullable=False),
        sa.Column('talk_id', sa.Integer(), nullable=True),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('done_lag', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['dispatch_id'], ['dispatch.id'], name=op.f('fk_due_talk_dispatch_id_dispatch')),
        sa.PrimaryKeyConstraint('dispatch_id', 'kind', name=op.f('pk_due_talk')),
    )
    op.create_index('ix_due_talk_state', 'due_talk', ['kind', 'done_lag', 'base_on'], unique=False)
    op.create_index('ix_due_talk_project', 'due_talk', ['project_id', 'kind', 'done_lag', 'base_on'],
                    unique=False)
    op.create_index(op.f('ix_due_talk_person_id'), 'due_talk', ['person_id'], unique=False)
    # the sessions list counts its live sessions per branch from this index alone
    op.create_index('ix_study_session_live_branch', 'study_session', ['deleted_at', 'branch_id'], unique=False)
    sqlite = op.get_bind().dialect.name == "sqlite"
    for kind, (talk_type, base) in KINDS.items():
        lag = (f"CAST(julianday(t.talk_date) - julianday(d.{base}) AS INTEGER)" if sqlite
               else f"(t.talk_date - d.{base})")
        # Fixed strings of this migration, no input.
        op.execute(f"""
            INSERT INTO due_talk (dispatch_id, kind, project_id, person_id, base_on, talk_id, done_on, done_lag)
            SELECT d.id, '{kind}', d.project_id, d.person_id, d.{base}, t.id, t.talk_date, {lag}
            FROM dispatch d
            JOIN person p ON p.id = d.person_id
            JOIN project pr ON pr.id = d.project_id
            LEFT JOIN talk t ON t.id = (
                SELECT t2.id FROM talk t2
                WHERE t2.dispatch_id = d.id AND t2.talk_type = '{talk_type}' AND t2.deleted_at IS NULL
                ORDER BY t2.talk_date, t2.id LIMIT 1)
            WHERE d.deleted_at IS NULL AND p.deleted_at IS NULL AND pr.deleted_at IS NULL
        """)  # nosec B608


def downgrade():
    op.drop_index('ix_study_session_live_branch', table_name='study_session')
    op.drop_index(op.f('ix_due_talk_person_id'), table_name='due_talk')
    op.drop_index('ix_due_talk_project', table_name='due_talk')
    op.drop_index('ix_due_talk_state', table_name='due_talk')
    op.drop_table('due_talk')
