"""points card: the versioned points scheme, manual points items; seeds the default scheme

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 14:40:00

Seeds the default scheme (tracker/points/default_scheme.json, copied here so this migration
never changes with the code; a test checks the two agree) in a migration rather than on
`demo load` or first use: like the integrity lists, every installation then has a scheme from
the first request, cards never depend on whether demo data was loaded, and no GET writes.
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

DEFAULT = {'label': '默认2020',
 'effective_from': '2020-01-01',
 'base_score': 80,
 'threshold': 95,
 'note': '按区审计局常见做法拟定的默认积分办法：基础分80分，分类积分、量化考评，年度积分达到95分的评为党员先锋岗。各局可按本局办法修改后用 flask --app wsgi points '
         'load-scheme 载入新版本。',
 'categories': [{'code': 'political_study',
                 'name_zh': '政治学习',
                 'name_en': 'Political study',
                 'items': [{'code': 'study_present',
                            'name_zh': '参加主题党日、集中学习、党课、警示教育',
                            'name_en': 'Present at a theme party day, group study, party lesson or warning '
                                       'education',
                            'points': 1,
                            'yearly_cap': 12,
                            'source': 'session_present',
                            'record_types': ['theme_party_day',
                                             'group_study',
                                             'party_lesson',
                                             'micro_party_lesson',
                                             'warning_education']}]},
                {'code': 'organisational_life',
                 'name_zh': '组织生活',
                 'name_en': 'Organisational life',
                 'items': [{'code': 'meeting_present',
                            'name_zh': '参加支部党员大会、支委会等会议',
                            'name_en': 'Present at a branch, committee or other meeting',
                            'points': 1,
                            'yearly_cap': 8,
                            'source': 'session_present',
                            'record_types': ['branch_meeting', 'committee_meeting', 'other']},
                           {'code': 'absent_without_leave',
                            'name_zh': '无故缺席组织生活',
                            'name_en': 'Absent from a session without leave',
                            'points': -2,
                            'yearly_cap': 10,
                            'source': 'session_absent',
                            'record_types': []},
                           {'code': 'talk_attended',
                            'name_zh': '按要求接受外派前后谈话、廉政提醒谈话',
                            'name_en': 'Took part in a required talk (pre-/post-dispatch, integrity '
                                       'reminder)',
                            'points': 1,
                            'yearly_cap': 4,
                            'source': 'talk_attended',
                            'record_types': ['pre_dispatch', 'post_dispatch', 'integrity_reminder']}]},
                {'code': 'role',
                 'name_zh': '作用发挥',
                 'name_en': "Playing one's part",
                 'items': [{'code': 'lesson_speaker',
                            'name_zh': '讲党课、微型党课',
                            'name_en': 'Gave a party lesson or micro party lesson',
                            'points': 3,
                            'yearly_cap': 9,
                            'source': 'lesson_speaker',
                            'record_types': ['party_lesson', 'micro_party_lesson']},
                           {'code': 'talk_held',
                            'name_zh': '开展谈心谈话、廉政谈话',
                            'name_en': 'Held a talk with a member',
                            'points': 1,
                            'yearly_cap': 6,
                            'source': 'talk_held',
                            'record_types': []},
                           {'code': 'volunteering',
                            'name_zh': '参加志愿服务',
                            'name_en': 'Volunteer service',
                            'points': 2,
                            'yearly_cap': 6,
                            'source': 'manual'}]},
                {'code': 'integrity',
                 'name_zh': '廉洁自律',
                 'name_en': 'Integrity and self-discipline',
                 'items': [{'code': 'integrity_breach',
                            'name_zh': '违反审计“八不准”“四严禁”等纪律',
                            'name_en': 'Breach of the audit discipline lists',
                            'points': -10,
                            'yearly_cap': 30,
                            'source': 'manual'}]},
                {'code': 'work',
                 'name_zh': '业务工作',
                 'name_en': 'Audit work',
                 'items': [{'code': 'award',
                            'name_zh': '受到表彰奖励、优秀审计项目',
                            'name_en': 'Commendation, award or outstanding audit project',
                            'points': 5,
                            'yearly_cap': 10,
                            'source': 'manual'},
                           {'code': 'work_deduction',
                            'name_zh': '审计质量问题被通报',
                            'name_en': 'Audit quality problem reported',
                            'points': -3,
                            'yearly_cap': 9,
                            'source': 'manual'}]}]}


def _seed(scheme_table, category_table, item_table):
    op.bulk_insert(scheme_table, [{
        "id": 1, "label": DEFAULT["label"], "effective_from": dt.date.fromisoformat(DEFAULT["effective_from"]),
        "base_score": DEFAULT["base_score"], "threshold": DEFAULT["threshold"], "note": DEFAULT["note"],
    }])
    categories, items, position = [], [], 0
    for n, cat in enumerate(DEFAULT["categories"], start=1):
        categories.append({"id": n, "scheme_id": 1, "code": cat["code"], "name_zh": cat["name_zh"],
                           "name_en": cat["name_en"], "position": n - 1})
        for item in cat["items"]:
            position += 1
            items.append({"id": position, "scheme_id": 1, "category_id": n, "code": item["code"],
                          "name_zh": item["name_zh"], "name_en": item["name_en"], "points": item["points"],
                          "yearly_cap": item.get("yearly_cap"), "source": item["source"],
                          "record_types": " ".join(item.get("record_types") or []), "position": position - 1})
    op.bulk_insert(category_table, categories)
    op.bulk_insert(item_table, items)
    if op.get_bind().dialect.name == "postgresql":
        # the seeded ids were given explicitly; move the sequences past them
        for table in ("points_scheme", "points_category", "points_item"):
            op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")  # noqa: S608  # nosec B608 (fixed table names)


def upgrade():
    scheme_table = op.create_table('points_scheme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=50), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('base_score', sa.Integer(), nullable=False),
    sa.Column('threshold', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_scheme')),
    sa.UniqueConstraint('label', name=op.f('uq_points_scheme_label'))
    )
    with op.batch_alter_table('points_scheme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_scheme_effective_from'), ['effective_from'], unique=False)
    category_table = op.create_table('points_category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name_zh', sa.String(length=50), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['scheme_id'], ['points_scheme.id'], name=op.f('fk_points_category_scheme_id_points_scheme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_category')),
    sa.UniqueConstraint('scheme_id', 'code', name=op.f('uq_points_category_scheme_id'))
    )
    with op.batch_alter_table('points_category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_category_scheme_id'), ['scheme_id'], unique=False)
    item_table = op.create_table('points_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scheme_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=150), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('yearly_cap', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('record_types', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['points_category.id'], name=op.f('fk_points_item_category_id_points_category')),
    sa.ForeignKeyConstraint(['scheme_id'], ['points_scheme.id'], name=op.f('fk_points_item_scheme_id_points_scheme')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_item')),
    sa.UniqueConstraint('scheme_id', 'code', name=op.f('uq_points_item_scheme_id'))
    )
    with op.batch_alter_table('points_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_points_item_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_item_scheme_id'), ['scheme_id'], unique=False)
    op.create_table('points_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('item_code', sa.String(length=30), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('occurrences', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence_key', sa.String(length=100), nullable=False),
    sa.Column('evidence_name', sa.String(length=200), nullable=False),
    sa.Column('evidence_type', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('self_approved', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_points_entry_author_id_user')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_points_entry_person_id_person')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_points_entry_reviewed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_points_entry'))
    )
    with op.batch_alter_table('points_entry', schema=None) as batch_op:
        batch_op.create_index('ix_points_entry_counted', ['occurred_on', 'status', 'deleted_at', 'person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_entry_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_entry_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_points_entry_status'), ['status'], unique=False)
    _seed(scheme_table, category_table, item_table)
    # covering indexes for the yearly points aggregates over attendance and talks
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_points', ['session_id', 'status', 'person_id'], unique=False)
    with op.batch_alter_table('talk', schema=None) as batch_op:
        batch_op.create_index('ix_talk_points_held', ['talk_date', 'status', 'deleted_at', 'talk_type', 'conducted_by_id'], unique=False)
        batch_op.create_index('ix_talk_points_talked', ['talk_date', 'status', 'deleted_at', 'talk_type', 'person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('talk', schema=None) as batch_op:
        batch_op.drop_index('ix_talk_points_talked')
        batch_op.drop_index('ix_talk_points_held')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_points')
    with op.batch_alter_table('points_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_entry_status'))
        batch_op.drop_index(batch_op.f('ix_points_entry_person_id'))
        batch_op.drop_index(batch_op.f('ix_points_entry_deleted_at'))
        batch_op.drop_index('ix_points_entry_counted')
    op.drop_table('points_entry')
    with op.batch_alter_table('points_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_item_scheme_id'))
        batch_op.drop_index(batch_op.f('ix_points_item_category_id'))
    op.drop_table('points_item')
    with op.batch_alter_table('points_category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_category_scheme_id'))
    op.drop_table('points_category')
    with op.batch_alter_table('points_scheme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_points_scheme_effective_from'))
    op.drop_table('points_scheme')
