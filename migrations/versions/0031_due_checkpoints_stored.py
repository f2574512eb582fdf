"""due checkpoints stored: per live project and checkpoint kind, the project date the due day
counts from and the day the project's checkpoint of that kind was done

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-27 17:30:00

The rows are written from the existing projects and checkpoints here; afterwards every flush
keeps them (tracker/due/upkeep.py), and `flask due rebuild` writes them all again.
"""
import sqlalchemy as sa
from alembic import op

revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

#: checkpoint kind -> the project date its due day counts from (tracker.due.sql.checkpoint_base_on)
BASES = {"disclosure": "start", "pledges": "start", "mid_check": "middle", "closing_report": "end",
         "revisit": "end"}


def _days(first: str, last: str, sqlite: bool) -> str:
    return f"CAST(julianday({last}) - julianday({first}) AS INTEGER)" if sqlite else f"({last} - {first})"


def _base(which: str, sqlite: bool) -> str:
    if which != "middle":
        return f"p.{which}_date"
    days = _days("p.start_date", "p.end_date", sqlite)
    half = f"(({days} - ((({days}) % 2) + 2) % 2) / 2)"  # days // 2 as Python floors it
    return f"date(p.start_date, CAST({half} AS TEXT) || ' days')" if sqlite else f"(p.start_date + {half})"


def upgrade():
    op.create_table(
        'due_checkpoint',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('base_on', sa.Date(), nullable=False),
        sa.Column('done_on', sa.Date(), nullable=True),
        sa.Column('done_lag', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['project_id'], ['project.id'], name=op.f('fk_due_checkpoint_project_id_project')),
        sa.PrimaryKeyConstraint('project_id', 'kind', name=op.f('pk_due_checkpoint')),
    )
    op.create_index('ix_due_checkpoint_state', 'due_checkpoint', ['kind', 'done_lag', 'base_on'], unique=False)
    op.create_index('ix_due_checkpoint_project', 'due_checkpoint', ['project_id', 'kind', 'done_lag', 'base_on'],
                    unique=False)
    sqlite = op.get_bind().dialect.name == "sqlite"
    for kind, which in BASES.items():
        base = _base(which, sqlite)
        # Fixed strings of this migration, no input.
        op.execute(f"""
            INSERT INTO due_checkpoint (project_id, kind, base_on, done_on, done_lag)
            SELECT p.id, '{kind}', {base}, c.done_on, {_days(base, "c.done_on", sqlite)}
            FROM project p
            LEFT JOIN integrity_checkpoint c ON c.project_id = p.id AND c.kind = '{kind}'
            WHERE p.deleted_at IS NULL
        """)  # nosec B608


def downgrade():
    op.drop_index('ix_due_checkpoint_project', table_name='due_checkpoint')
    op.drop_index('ix_due_checkpoint_state', table_name='due_checkpoint')
    op.drop_table('due_checkpoint')
