"""the characters of people's names that are not ASCII, one row per person and character, in
an index by character: a name search for 王 reads the names that hold 王 instead of every name
(a substring search that no B-tree serves, and a trigram index needs three characters)

Revision ID: 0038
Revises: 0037
Create Date: 2026-11-27 21:15:00

The rows are written from the existing names here; afterwards every write keeps them
(tracker/people/name_index.py); `flask people index-names` writes them again.
"""
import sqlalchemy as sa
from alembic import op

revision = '0038'
down_revision = '0037'
branch_labels = None
depends_on = None

CHUNK = 5000


def upgrade():
    table = op.create_table(
        'person_name_character',
        sa.Column('character', sa.String(length=1), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_name_character_person_id_person')),
        sa.PrimaryKeyConstraint('character', 'person_id', name=op.f('pk_person_name_character')),
    )
    op.create_index(op.f('ix_person_name_character_person_id'), 'person_name_character', ['person_id'])
    # tracker.people.name_index.characters: those not ASCII, each once
    people = op.get_bind().execute(sa.text('SELECT id, name FROM person')).all()
    rows = [{'person_id': person_id, 'character': c}
            for person_id, name in people for c in dict.fromkeys(c for c in name or '' if not c.isascii())]
    for start in range(0, len(rows), CHUNK):
        op.bulk_insert(table, rows[start:start + CHUNK])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ANALYZE person_name_character')


def downgrade():
    op.drop_index(op.f('ix_person_name_character_person_id'), table_name='person_name_character')
    op.drop_table('person_name_character')
