"""A small, realistic data set so a new user sees a living app. Loading it twice changes nothing."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tracker import clock, vocab
from tracker.auth.models import User
from tracker.branches.models import Branch, Membership
from tracker.dispatches.models import Dispatch
from tracker.extensions import db
from tracker.people.models import Person
from tracker.projects.models import IntegrityCheckpoint, Project
from tracker.study.models import Attendance, StudySession
from tracker.talks.models import Talk
from tracker.talks.services import current_integrity_version

#: (username, password, roles, display name, person name or None)
SIGN_INS = [
    ("admin", "demo-admin-pass", ["admin"], "党建办 刘敏", None),
    ("secretary", "demo-secretary-pass", ["secretary"], "机关支部书记 陈静", "陈静"),
    ("leader", "demo-leader-pass", ["team-leader"], "审计组长 王磊", "王磊"),
    ("viewer", "demo-viewer-pass", ["viewer"], "纪检组 赵强", None),
]

PEOPLE = [
    # name, party status, source, home organisation, post, phone
    ("王磊", "full", "in_house", "区审计局机关第一党支部", "经济责任审计科科长", "0591-87650001"),
    ("陈静", "full", "in_house", "区审计局机关第二党支部", "办公室主任", "0591-87650002"),
    ("林芳", "full", "in_house", "区审计局机关第一党支部", "审计员", "13805910003"),
    ("张伟", "full", "in_house", "区审计局机关第二党支部", "副主任科员", "13805910004"),
    ("黄丽", "probationary", "in_house", "区审计局机关第一党支部", "审计员", "13805910005"),
    ("郑浩", "full", "borrowed", "区财政局机关党支部", "借调审计员", "13805910006"),
    ("吴婷", "none", "external_hire", "", "外聘造价工程师", "13805910007"),
    ("李明", "full", "other_bureau", "邻区审计局第三党支部", "交叉审计组员", "13805910008"),
    ("周敏", "full", "in_house", "区审计局机关第二党支部", "固定资产投资审计科科员", "13805910009"),
    ("许杰", "full", "in_house", "区审计局机关第一党支部", "审计员", "13805910010"),
]

#: name -> (gender, joined the party on), for the roster
JOINED = {
    "王磊": ("male", dt.date(2004, 6, 18)), "陈静": ("female", dt.date(2001, 7, 1)),
    "林芳": ("female", dt.date(2012, 5, 4)), "张伟": ("male", dt.date(2008, 12, 20)),
    "黄丽": ("female", dt.date(2025, 11, 6)), "郑浩": ("male", dt.date(2015, 10, 9)),
    "吴婷": ("female", None), "李明": ("male", dt.date(2010, 3, 15)),
    "周敏": ("female", dt.date(2006, 9, 28)), "许杰": ("male", dt.date(2018, 6, 29)),
}


def _day(offset: int) -> dt.date:
    return clock.today() + dt.timedelta(days=offset)


def load() -> list[str] | None:
    """Load the data set; None when it is there already, else the usernames signed up."""
    if db.session.scalar(select(Project.id).where(Project.code == "SJ-2026-JC-01")):
        return None
    people = {}
    for name, status, source, home, post, phone in PEOPLE:
        gender, joined = JOINED[name]
        people[name] = Person(name=name, party_status=status, source=source, home_organisation=home,
                              post=post, phone=phone, gender=gender, joined_party_on=joined)
        db.session.add(people[name])
    db.session.flush()

    signed = []
    for username, password, roles, display, person in SIGN_INS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(username=username, display_name=display)
            user.roles = roles
            user.set_password(password)
            user.person_id = people[person].id if person else None
            db.session.add(user)
        signed.append(username)

    cross = Project(code="SJ-2026-JC-01", name="2026年度邻区财政预算执行交叉审计",
                    audited_entity="邻区财政局", project_type="cross_audit", site="邻区财政局大楼",
                    start_date=_day(-40), end_date=_day(35), status="in_progress",
                    team_leader=people["王磊"])
    field = Project(code="SJ-2026-WC-02", name="乡村振兴专项资金外出审计",
                    audited_entity="某县农业农村局", project_type="field_audit", site="某县",
                    start_date=_day(-10), end_date=_day(50), status="in_progress",
                    team_leader=people["张伟"])
    tour = Project(code="XC-2026-03", name="区委第二轮巡察（审计协作）",
                   audited_entity="区住建局", project_type="inspection_tour", site="区住建局",
                   start_date=_day(-120), end_date=_day(-60), status="closed",
                   team_leader=people["周敏"])
    planned = Project(code="SJ-2027-GC-01", name="城区老旧小区改造工程跟踪审计",
                      audited_entity="区城建集团", project_type="key_task", site="区城建集团",
                      start_date=_day(20), end_date=_day(110), status="planned",
                      team_leader=people["许杰"])
    projects = [cross, field, tour, planned]
    db.session.add_all(projects)
    db.session.flush()
    for project in projects:
        for kind in vocab.CHECKPOINT_KINDS:
            db.session.add(IntegrityCheckpoint(project_id=project.id, kind=kind))
    cross.checkpoints  # noqa: B018 — load before editing below
    db.session.flush()
    for cp in db.session.scalars(select(IntegrityCheckpoint).where(
        IntegrityCheckpoint.project_id == cross.id, IntegrityCheckpoint.kind.in_(["disclosure", "pledges"])
    )):
        cp.done_on = _day(-39)
        cp.note = "进点当日张贴审计“八不准”“四严禁”及举报电话，全体组员签订廉洁承诺书"

    team = {
        cross: ["王磊", "林芳", "黄丽", "郑浩", "吴婷", "李明"],
        field: ["张伟", "许杰", "林芳"],
        tour: ["周敏", "陈静", "张伟"],
    }
    for project, names in team.items():
        for name in names:
            db.session.add(Dispatch(person=people[name], project=project,
                                    departure_date=project.start_date, return_date=project.end_date))

    active = Branch(name="邻区财政预算执行交叉审计临时党支部", approved_by="区审计局机关党委",
                    approval_date=_day(-41), status="active", projects=[cross],
                    not_applicable="party_group_meeting")  # five members: no party groups
    old = Branch(name="区委第二轮巡察临时党支部", approved_by="区审计局机关党委",
                 approval_date=_day(-121), status="dissolved", dissolved_on=_day(-59), projects=[tour])
    db.session.add_all([active, old])
    roles = {"王磊": "secretary", "林芳": "organising_member", "郑浩": "publicity_member",
             "李明": "discipline_member"}
    for name in ["王磊", "林芳", "黄丽", "郑浩", "李明"]:
        db.session.add(Membership(branch=active, person=people[name], role=roles.get(name, "member"),
                                  joined_on=active.approval_date))
    for name, role in [("周敏", "secretary"), ("陈静", "member"), ("张伟", "member")]:
        db.session.add(Membership(branch=old, person=people[name], role=role,
                                  joined_on=old.approval_date, left_on=old.dissolved_on))
    db.session.flush()
    _sessions_and_talks(people, active, [cross, tour])
    db.session.commit()
    return signed


def _sessions_and_talks(people: dict, branch: Branch, projects: list[Project]) -> None:
    """A reviewed committee meeting and theme party day, a submitted branch meeting and party
    lesson, a draft; talks with some missing, and a heart-to-heart talk."""
    members = ["王磊", "林芳", "黄丽", "郑浩", "李明"]
    committee = ["王磊", "林芳", "郑浩", "李明"]
    plans = [
        ("committee_meeting", -30, "reviewed", "研究部署临时党支部组织生活和廉政工作计划", {}),
        ("branch_meeting", -15, "submitted", "通报审计进展，讨论临时党支部半程工作", {"黄丽": ("leave", "病假")}),
        ("theme_party_day", -20, "reviewed", "学习贯彻审计“八不准”，守牢廉洁底线", {"郑浩": ("leave", "回原单位参加年度考核")}),
        ("party_lesson", -5, "submitted", "审计精神与审计人员职业操守（书记讲党课）", {}),
        ("group_study", -2, "draft", "集中学习《中国共产党纪律处分条例》", {"李明": ("absent", "外出取证")}),
    ]
    for kind, offset, status, topic, away in plans:
        attending = committee if kind == "committee_meeting" else members
        session = StudySession(
            branch=branch, session_type=kind, held_on=_day(offset), start_time=dt.time(19, 0),
            end_time=dt.time(20, 30), place="邻区财政局临时办公室", topic=topic, speaker="王磊",
            host="王磊", recorder="林芳", content="学习相关文件，结合审计现场实际交流体会。",
            resolutions="全体组员严格执行审计纪律，每周开展一次自查。", status=status,
            submitted_at=clock.now() if status != "draft" else None,
        )
        db.session.add(session)
        for name in attending:
            state, reason = away.get(name, ("present", ""))
            db.session.add(Attendance(session=session, person=people[name], status=state, reason=reason))

    version = current_integrity_version()
    cross, tour = projects
    dispatches = {(d.person.name, d.project_id): d for d in db.session.scalars(select(Dispatch))}
    for name in ["林芳", "黄丽", "郑浩"]:  # 李明 and 吴婷 are still waiting: overdue
        db.session.add(Talk(
            talk_type="pre_dispatch", dispatch=dispatches[(name, cross.id)], person=people[name],
            talk_date=cross.start_date - dt.timedelta(days=1), place="局机关会议室",
            conducted_by=people["王磊"], talk_form="in_person", recorder=people["林芳"],
            key_points="讲清审计“八不准”“四严禁”，提醒保守审计工作秘密。", concerns="家中老人需要照顾，希望周末可回家。",
            integrity_version=version, integrity_items=list(version.items) if version else [],
            status="reviewed",
        ))
    db.session.add(Talk(
        talk_type="heart_to_heart", person=people["黄丽"], talk_date=_day(-8), place="审计现场临时办公室",
        conducted_by=people["王磊"], talk_form="in_person", recorder=people["林芳"],
        key_points="了解预备党员在审计现场的学习和工作情况，谈转正前需要努力的方向。",
        concerns="希望多参与取证工作。", status="submitted",
    ))
    db.session.add(Talk(
        talk_type="post_dispatch", dispatch=dispatches[("陈静", tour.id)], person=people["陈静"],
        talk_date=tour.end_date + dt.timedelta(days=3), place="局机关会议室", conducted_by=people["周敏"],
        talk_form="by_phone", key_points="回顾巡察期间遵守纪律情况，无违纪问题。", status="submitted",
    ))
