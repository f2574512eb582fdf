"""kept counts of the lists' whole tables and of the records waiting for review: live study
sessions, dispatches, people and projects (what an unfiltered list shows on every page), and the
sessions and talks waiting for review (what a reviewer's to-do box shows on every page)

Revision ID: 0033
Revises: 0031
Create Date: 2026-11-27 17:30:00

PostgreSQL counts a table by visiting every row of an index: at ten times province scale that
was 10-17 ms a page. The counts are written from the existing rows here; afterwards every write
keeps them (tracker.kept_counts.Rows, declared in each feature's counting.py); `flask
recount-all` writes them again.
"""
from alembic import op

revision = '0033'
down_revision = '0031'
branch_labels = None
depends_on = None

SHARDS = 8  # tracker.kept_counts.SHARDS
#: name -> (table, condition): the declarations of tracker/*/counting.py
COUNTS = {
    'study_session': ('study_session', 'deleted_at IS NULL'),
    'study_session_waiting': ('study_session', "deleted_at IS NULL AND status = 'submitted'"),
    'talk_waiting': ('talk', "deleted_at IS NULL AND status = 'submitted'"),
    'dispatch': ('dispatch', 'deleted_at IS NULL'),
    'person': ('person', 'deleted_at IS NULL'),
    'project': ('project', 'deleted_at IS NULL'),
}


def upgrade():
    for name, (table, condition) in COUNTS.items():
        # Fixed strings of this migration, no input.
        op.execute(f"INSERT INTO kept_count (name, shard, n) SELECT '{name}', 0, count(*) FROM {table} "  # nosec B608
                   f"WHERE {condition}")
        for shard in range(1, SHARDS):
            op.execute(f"INSERT INTO kept_count (name, shard, n) VALUES ('{name}', {shard}, 0)")  # nosec B608


def downgrade():
    for name in COUNTS:
        op.execute(f"DELETE FROM kept_count WHERE name = '{name}'")  # nosec B608
