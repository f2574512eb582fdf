"""Fill a database with a large, realistic data set for benchmarks.

Rows go in with bulk Core inserts in chunks (no per-row history), so 300 branches, 5,000
people, 20,000 dispatches, 30,000 study sessions with 300,000 attendance rows and 40,000
talks take well under two minutes (see FILLERS)."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from sqlalchemy import insert, text

from tracker import clock, vocab
from tracker.branches.models import Branch, Membership, branch_project
from tracker.dispatches.models import Dispatch
from tracker.due.upkeep import rebuild as rebuild_due_items
from tracker.extensions import db
from tracker.people.models import Person
from tracker.points import tally
from tracker.projects.models import IntegrityCheckpoint, Project
from tracker.study import upkeep as study_upkeep
from tracker.study.models import Attendance, StudySession
from tracker.talks.models import Talk

CHUNK = 5000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志宏婷雪琳晨浩宇欣怡博文"
ENTITIES = ["财政局", "发改委", "住建局", "农业农村局", "教育局", "卫健委", "交通运输局", "水利局", "医保局", "国资委"]
PLACES = ["邻区", "某县", "市直", "开发区", "新区"]


@dataclass
class Params:
    branches: int = 300
    people: int = 5000
    dispatches: int = 20000
    sessions: int = 30000
    attendance: int = 300000
    talks: int = 40000
    seed: int = 2026


@dataclass
class Filled:
    """Ids of what has been filled so far, for the fillers that come after."""

    people: list[int] = field(default_factory=list)
    projects: list[tuple[int, dt.date, dt.date]] = field(default_factory=list)
    branches: list[tuple[int, dt.date, dt.date | None]] = field(default_factory=list)
    #: branch id -> [(membership person id, joined, left)]
    members: dict[int, list[tuple[int, dt.date, dt.date | None]]] = field(default_factory=dict)
    dispatches: list[tuple[int, int, int, dt.date, dt.date]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def bulk(table, rows: list[dict]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start:start + CHUNK])


def _stamp() -> dict:
    now = clock.now()
    return {"created_at": now, "updated_at": now, "version": 1}


def fill_people(rng: random.Random, params: Params, filled: Filled) -> None:
    statuses = ["full"] * 8 + ["probationary", "none"]
    sources = ["in_house"] * 6 + ["borrowed", "external_hire", "other_bureau"]
    rows = [{
        "id": i, "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN]),
        "party_status": rng.choice(statuses), "source": rng.choice(sources),
        "home_organisation": f"区审计局机关第{rng.randint(1, 9)}党支部", "post": "审计员",
        "phone": f"138{rng.randint(10000000, 99999999)}", **_stamp(),
    } for i in range(1, params.people + 1)]
    bulk(Person.__table__, rows)
    filled.people = [r["id"] for r in rows]


def fill_projects_and_branches(rng: random.Random, params: Params, filled: Filled) -> None:
    """Slightly more projects than branches; each branch serves one project; past ones dissolved."""
    today = clock.today()
    n_projects = params.branches + params.branches // 3
    projects, checkpoints = [], []
    for i in range(1, n_projects + 1):
        start = today - dt.timedelta(days=rng.randint(-60, 1000))
        end = start + dt.timedelta(days=rng.randint(30, 150))
        status = "closed" if end < today else ("planned" if start > today else "in_progress")
        projects.append({
            "id": i, "code": f"SJ-B{i:05d}", "name": f"{rng.choice(PLACES)}{rng.choice(ENTITIES)}预算执行审计{i}",
            "audited_entity": rng.choice(PLACES) + rng.choice(ENTITIES),
            "project_type": rng.choice(list(vocab.PROJECT_TYPES)), "site": rng.choice(PLACES),
            "start_date": start, "end_date": end, "status": status,
            "team_leader_id": rng.choice(filled.people), **_stamp(),
        })
        checkpoints += [{"project_id": i, "kind": kind, "done_on": None, "note": ""}
                        for kind in vocab.CHECKPOINT_KINDS]
        filled.projects.append((i, start, end))
    bulk(Project.__table__, projects)
    bulk(IntegrityCheckpoint.__table__, checkpoints)

    branches, links, members = [], [], []
    for i, (project_id, start, end) in enumerate(filled.projects[:params.branches], start=1):
        dissolved = end + dt.timedelta(days=5) if end + dt.timedelta(days=5) < today else None
        approval = start - dt.timedelta(days=1)
        branches.append({
            "id": i, "name": f"{projects[project_id - 1]['name']}临时党支部", "approved_by": "区审计局机关党委",
            "approval_date": approval, "status": "dissolved" if dissolved else "active",
            "dissolved_on": dissolved, **_stamp(),
        })
        links.append({"branch_id": i, "project_id": project_id})
        filled.branches.append((i, approval, dissolved))
        team = rng.sample(filled.people, rng.randint(8, 25))
        filled.members[i] = []
        for k, person_id in enumerate(team):
            members.append({
                "branch_id": i, "person_id": person_id, "role": "secretary" if k == 0 else "member",
                "joined_on": approval, "left_on": dissolved, **_stamp(),
            })
            filled.members[i].append((person_id, approval, dissolved))
    bulk(Branch.__table__, branches)
    bulk(branch_project, links)
    bulk(Membership.__table__, members)
    filled.counts["memberships"] = len(members)


def fill_dispatches(rng: random.Random, params: Params, filled: Filled) -> None:
    rows = []
    for i in range(1, params.dispatches + 1):
        project_id, start, end = rng.choice(filled.projects)
        person_id = rng.choice(filled.people)
        rows.append({
            "id": i, "person_id": person_id, "project_id": project_id,
            "departure_date": start, "return_date": end, "note": "", **_stamp(),
        })
        filled.dispatches.append((i, person_id, project_id, start, end))
    bulk(Dispatch.__table__, rows)


def _review(rng: random.Random, day: dt.date, now: dt.datetime) -> dict:
    """Review columns of a record held on `day`: most reviewed, some waiting, a few drafts."""
    status = rng.choices(["reviewed", "submitted", "draft", "returned"], [86, 7, 5, 2])[0]
    if status in ("draft", "returned"):
        return {"status": status, "submitted_at": None, "reviewed_at": None}
    submitted = min(now, dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC) + dt.timedelta(days=rng.randint(0, 5)))
    reviewed = min(now, submitted + dt.timedelta(days=rng.randint(1, 20))) if status == "reviewed" else None
    return {"status": status, "submitted_at": submitted, "reviewed_at": reviewed}


def _session_plan(rng: random.Random, params: Params, filled: Filled) -> list[tuple[int, dt.date, str]]:
    """(branch, day, type): most months a theme party day by the 10th, lessons in most
    quarters, then other sessions at random days of the branch's active time up to today."""
    today = clock.today()
    windows = [(b, start, min(end or today, today)) for b, start, end in filled.branches if start <= today]
    plan = []
    for branch_id, start, end in windows:
        month = start.replace(day=1)
        while month <= end:
            if rng.random() < 0.9:
                plan.append((branch_id, min(max(month.replace(day=rng.randint(1, 10)), start), end), "theme_party_day"))
            if rng.random() < 0.4:
                plan.append((branch_id, min(max(month.replace(day=rng.randint(1, 28)), start), end), "party_lesson"))
            month = (month + dt.timedelta(days=32)).replace(day=1)
    others = [t for t in vocab.SESSION_TYPES if t not in ("theme_party_day", "party_lesson")]
    while len(plan) < params.sessions and windows:
        branch_id, start, end = rng.choice(windows)
        plan.append((branch_id, start + dt.timedelta(days=rng.randint(0, (end - start).days)), rng.choice(others)))
    return plan[:params.sessions]


def fill_study_sessions(rng: random.Random, params: Params, filled: Filled) -> None:
    """Sessions of the branches' active days, each with attendance of some of its members,
    spread so that the attendance rows add up to params.attendance."""
    now = clock.now()
    plan = _session_plan(rng, params, filled)
    sessions, attendance = [], []
    remaining = params.attendance
    for n, (branch_id, day, kind) in enumerate(plan, start=1):
        sessions.append({
            "id": n, "branch_id": branch_id, "session_type": kind, "held_on": day,
            "start_time": dt.time(14, 30), "end_time": dt.time(16, 0), "place": "项目驻地会议室",
            "topic": f"学习习近平新时代中国特色社会主义思想专题{n}", "speaker": "", "host": "", "recorder": "",
            "content": "传达学习会议精神，结合审计工作交流体会。", "resolutions": "", "guests": "",
            "author_id": None, "reviewed_by_id": None, "review_comment": "", "deleted_at": None,
            **_review(rng, day, now), **_stamp(),
        })
        members = filled.members[branch_id]
        take = min(len(members), -(-remaining // (len(plan) - n + 1)))
        for person_id, _, _ in rng.sample(members, take):
            status = rng.choices(["present", "leave", "absent"], [85, 10, 5])[0]
            reason = "" if status == "present" else rng.choice(["病假", "事假", "外出审计", "值班"])
            attendance.append({"session_id": n, "person_id": person_id, "status": status, "reason": reason})
        remaining -= take
    bulk(StudySession.__table__, sessions)
    bulk(Attendance.__table__, attendance)
    filled.counts["sessions"], filled.counts["attendance"] = len(sessions), len(attendance)


def fill_talks(rng: random.Random, params: Params, filled: Filled) -> None:
    """A pre-dispatch talk for most dispatches (a few late), a post-dispatch talk for most
    that are back, then integrity reminders; none dated after today."""
    today, now = clock.today(), clock.now()
    planned = []
    for dispatch_id, person_id, _, departure, return_date in filled.dispatches:
        roll = rng.random()
        if roll < 0.88:
            planned.append((dispatch_id, person_id, "pre_dispatch", departure - dt.timedelta(days=rng.randint(0, 7))))
        elif roll < 0.95:
            planned.append((dispatch_id, person_id, "pre_dispatch", departure + dt.timedelta(days=rng.randint(1, 10))))
        if rng.random() < 0.9:
            planned.append((dispatch_id, person_id, "post_dispatch", return_date + dt.timedelta(days=rng.randint(0, 14))))
    planned = [p for p in planned if p[3] <= today]
    while len(planned) < params.talks and filled.dispatches:
        dispatch_id, person_id, _, departure, return_date = rng.choice(filled.dispatches)
        day = departure + dt.timedelta(days=rng.randint(0, max(0, (return_date - departure).days)))
        if day <= today:
            planned.append((dispatch_id, person_id, "integrity_reminder", day))
    rows = [{
        "id": n, "talk_type": kind, "dispatch_id": dispatch_id, "person_id": person_id, "talk_date": day,
        "place": "局机关会议室", "conducted_by_id": rng.choice(filled.people), "talk_form": "in_person",
        "key_points": "重申审计纪律和廉政要求", "concerns": "", "follow_up": "", "follow_up_due": None,
        "recorder_id": None, "integrity_version_id": None, "author_id": None, "reviewed_by_id": None,
        "review_comment": "", "deleted_at": None, **_review(rng, day, now), **_stamp(),
    } for n, (dispatch_id, person_id, kind, day) in enumerate(planned[:params.talks], start=1)]
    bulk(Talk.__table__, rows)
    filled.counts["talks"] = len(rows)


#: fillers in order; each adds its tables, using the ids the ones before it filled
FILLERS = [fill_people, fill_projects_and_branches, fill_dispatches, fill_study_sessions, fill_talks]


def fill(params: Params) -> Filled:
    # Seeded data for benchmarks, not secrets.
    rng = random.Random(params.seed)  # nosec B311
    filled = Filled()
    # once at the end, not after each bulk insert
    db.session.info["due_upkeep_off"] = db.session.info[study_upkeep.OFF] = True
    for filler in FILLERS:
        filler(rng, params, filled)
        db.session.flush()
    db.session.info.pop("due_upkeep_off")
    db.session.info.pop(study_upkeep.OFF)
    _reset_sequences()
    # the bulk inserts bypass the ORM, whose flushes keep the stored due talks and checkpoints
    rebuild_due_items()
    study_upkeep.rebuild()
    # bulk inserts pass by the ORM events that keep the points tally: count it once here
    tally.rebuild(db.session)
    db.session.commit()
    # fresh statistics, so the query planner knows the tables are no longer empty
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return filled


def _reset_sequences() -> None:
    """Explicit ids were inserted; on PostgreSQL move each id sequence past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            # Table names come from our own metadata, never from input.
            sql = (f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "  # noqa: S608
                   f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)")  # nosec B608
            db.session.execute(text(sql))
