"""kept count of live party members: how many people are live (deleted_at NULL) with a party
status other than "none", kept by the writes, which the bureau's points table reads instead of
counting the person table on every page

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-27 15:30:00

The count is written from the existing rows here; afterwards every write keeps it
(tracker/people/counting.py); `flask people recount` writes it again.
"""
from alembic import op

revision = '0030'
down_revision = '0029'
branch_labels = None
depends_on = None

SHARDS = 8  # tracker.kept_counts.SHARDS
NAME = 'party_member'  # tracker.people.counting.NAME


def upgrade():
    # Fixed strings of this migration, no input.
    op.execute(f"INSERT INTO kept_count (name, shard, n) SELECT '{NAME}', 0, count(*) FROM person "  # nosec B608
               "WHERE deleted_at IS NULL AND party_status != 'none'")
    for shard in range(1, SHARDS):
        op.execute(f"INSERT INTO kept_count (name, shard, n) VALUES ('{NAME}', {shard}, 0)")  # nosec B608


def downgrade():
    op.execute(f"DELETE FROM kept_count WHERE name = '{NAME}'")  # nosec B608
