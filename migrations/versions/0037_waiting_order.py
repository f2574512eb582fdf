"""the records waiting for review as partial indexes in the order they wait (deleted_at,
coalesce(submitted_at, updated_at), id, then the expression's columns): the review queue reads
its oldest from the start and counts those not yet late from the end, so its cost no longer
follows the number waiting

Revision ID: 0037
Revises: 0036
Create Date: 2026-11-27 21:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None

TABLES = ('study_session', 'talk')
SUBMITTED = sa.text("status = 'submitted'")
SINCE = "coalesce(submitted_at, updated_at)"  # tracker.review.models.WAITING_SINCE


def _has_expression_statistics() -> bool:
    """PostgreSQL 14 and later keep statistics on an expression (CREATE STATISTICS)."""
    bind = op.get_bind()
    return bind.dialect.name == 'postgresql' and bind.dialect.server_version_info >= (14,)


def upgrade():
    for table in TABLES:
        op.drop_index(f'ix_{table}_waiting_since', table_name=table)
        op.create_index(f'ix_{table}_waiting_since', table, ['deleted_at', sa.text(SINCE), 'id', 'submitted_at', 'updated_at'],
                        sqlite_where=SUBMITTED, postgresql_where=SUBMITTED)
        # PostgreSQL keeps no statistics for the expression of a partial index: without them
        # it guesses a third of the waiting records are not yet late (a few are) and prefers
        # reading every waiting record through ix_*_status
        if _has_expression_statistics():
            op.execute(f'CREATE STATISTICS st_{table}_waiting_since ON ({SINCE}) FROM {table}')
            op.execute(f'ANALYZE {table}')


def downgrade():
    for table in TABLES:
        if _has_expression_statistics():
            op.execute(f'DROP STATISTICS IF EXISTS st_{table}_waiting_since')
        op.drop_index(f'ix_{table}_waiting_since', table_name=table)
        op.create_index(f'ix_{table}_waiting_since', table, ['status', 'deleted_at', 'submitted_at', 'updated_at', 'id'],
                        sqlite_where=SUBMITTED, postgresql_where=SUBMITTED)
