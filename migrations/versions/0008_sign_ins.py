"""sign-ins kept on the server; kept form input belongs to a user

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 14:40:00

Signing out ends one sign-in on the server (a copy of the cookie is refused afterwards), and
the idle and absolute limits are measured from its times. Form input kept across a lost
sign-in is kept for the user it belongs to, not for any browser that posts.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_sign_in_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_token_hash'))
    )
    with op.batch_alter_table('sign_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_user_id'), ['user_id'], unique=False)

    # Input kept for a browser cannot be given to a user: it is dropped.
    op.execute("DELETE FROM kept_form")
    with op.batch_alter_table('kept_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_form_token'))
        batch_op.drop_column('token')
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_kept_form_user_id_user'), 'user', ['user_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_kept_form_user_id'), ['user_id'], unique=False)


def downgrade():
    op.execute("DELETE FROM kept_form")
    with op.batch_alter_table('kept_form', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kept_form_user_id'))
        batch_op.drop_constraint(batch_op.f('fk_kept_form_user_id_user'), type_='foreignkey')
        batch_op.drop_column('user_id')
        batch_op.add_column(sa.Column('token', sa.String(length=64), nullable=False))
        batch_op.create_index(batch_op.f('ix_kept_form_token'), ['token'], unique=False)

    with op.batch_alter_table('sign_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_user_id'))
    op.drop_table('sign_in')
