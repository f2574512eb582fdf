"""names in pinyin order and searchable by pinyin; the language a user chose, kept on the
account for what is made without their browser (the calendar feed)

Revision ID: 0015
Revises: 0012
Create Date: 2026-11-26 15:30:00

Existing people get their pinyin keys computed here, with the same functions the model uses.
"""
import sqlalchemy as sa
from alembic import op

from tracker.people import pinyin

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('name_pinyin', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('name_search', sa.String(length=200), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_person_name_pinyin'), ['name_pinyin'], unique=False)
    with op.batch_alter_table('user', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=5), server_default='', nullable=False))
    person = sa.table('person', sa.column('id', sa.Integer), sa.column('name', sa.String),
                      sa.column('name_pinyin', sa.String), sa.column('name_search', sa.String))
    conn = op.get_bind()
    for row in conn.execute(sa.select(person.c.id, person.c.name)).all():
        conn.execute(person.update().where(person.c.id == row.id).values(
            name_pinyin=pinyin.sort_key(row.name), name_search=pinyin.search_key(row.name)))


def downgrade():
    with op.batch_alter_table('user', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('person', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_name_pinyin'))
        batch_op.drop_column('name_search')
        batch_op.drop_column('name_pinyin')
