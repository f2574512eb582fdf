"""Edits that change only a record's children or links are version-checked like any other
edit (tracker.records bumps the owner's version): two saves from the same loaded version —
the second gets the 409 conflict page and overwrites nothing."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import sign_in
from tests.test_study import form_data as session_form
from tracker import vocab
from tracker.talks.services import current_integrity_version


@pytest.fixture
def office(client, make_user):
    user = make_user("secretary")
    sign_in(client, user)
    return user


def twice(client, url: str, first: dict, second: dict):
    """Both forms were opened at the same version; returns the second response."""
    response = client.post(url, data=first)
    assert response.status_code == 302, re.findall(r"invalid-feedback[^>]*>[^<]*", response.get_data(as_text=True))
    return client.post(url, data=second)


def test_attendance_only(client, office, make_person, make_project, make_branch, make_session, session):
    lin = make_person("林芳")
    branch = make_branch(projects=[make_project()], members=[lin], approval_date=dt.date(2026, 5, 1))
    study = make_session(branch, held_on=dt.date(2026, 6, 10), topic="学习新修订的纪律处分条例")
    site = {"branch": branch}
    base = {**session_form(site), "version": str(study.version), "speaker": study.speaker,
            "host": study.host, "recorder": study.recorder, "content": study.content,
            "place": study.place, "start_time": "14:30", "end_time": "16:00"}
    session.refresh(study)
    before = study.version
    first = {**base, f"attendance-{lin.id}": "leave", f"reason-{lin.id}": "病假"}
    second = {**base, f"attendance-{lin.id}": "absent", f"reason-{lin.id}": "出差"}
    response = twice(client, f"/study/{study.id}/edit", first, second)
    assert response.status_code == 409
    session.expire_all()
    assert study.version > before
    assert [(a.status, a.reason) for a in study.attendance] == [("leave", "病假")]


def test_project_checkpoints(client, office, make_project, session):
    project = make_project()
    version = str(project.version)
    kind = list(vocab.CHECKPOINT_KINDS)[0]
    data = {f"{k}_on": "" for k in vocab.CHECKPOINT_KINDS} | {f"{k}_note": "" for k in vocab.CHECKPOINT_KINDS}
    first = {**data, f"{kind}_on": "2026-06-01", f"{kind}_note": "张贴公示", "version": version}
    second = {**data, f"{kind}_on": "2026-06-03", f"{kind}_note": "另一说法", "version": version}
    response = twice(client, f"/projects/{project.id}/checkpoints", first, second)
    assert response.status_code == 409
    session.expire_all()
    saved = {c.kind: c for c in project.checkpoints}[kind]
    assert (saved.done_on, saved.note) == (dt.date(2026, 6, 1), "张贴公示")


def _branch_form(branch, projects, version) -> dict:
    return {"name": branch.name, "approved_by": branch.approved_by, "approval_date": branch.approval_date.isoformat(),
            "secretary_id": "", "project_ids": [str(p.id) for p in projects], "version": str(version)}


def test_branch_projects(client, office, make_project, make_branch, session):
    a, b, c = make_project(), make_project(), make_project()
    branch = make_branch(projects=[a])
    version = branch.version
    response = twice(client, f"/branches/{branch.id}/edit",
                     _branch_form(branch, [a, b], version), _branch_form(branch, [a, c], version))
    assert response.status_code == 409
    session.expire_all()
    assert [p.id for p in branch.projects] == [a.id, b.id]


def test_branch_members(client, office, make_project, make_branch, make_person, session):
    project = make_project()
    branch = make_branch(projects=[project])
    version = branch.version  # the edit form is open at this version …
    newcomer = make_person("新成员")
    response = client.post(f"/branches/{branch.id}/members/new", data={
        "person_id": str(newcomer.id), "role": "member", "joined_on": "2026-06-10"})
    assert response.status_code == 302  # … while someone adds a member
    other = make_project()
    response = client.post(f"/branches/{branch.id}/edit", data=_branch_form(branch, [project, other], version))
    assert response.status_code == 409
    session.expire_all()
    assert [p.id for p in branch.projects] == [project.id]
    assert [m.person.name for m in branch.memberships] == ["新成员"]


def test_talk_checklist(client, office, make_person, make_project, make_branch, make_dispatch, make_talk, session):
    member, leader = make_person("林芳"), make_person("王磊")
    project = make_project(team_leader=leader)
    make_branch(projects=[project], members=[(leader, "secretary"), member])
    dispatch = make_dispatch(member, project)
    talk = make_talk(member, leader, dispatch=dispatch)
    items = current_integrity_version(talk.talk_date).items
    data = {
        "talk_type": "pre_dispatch", "dispatch_id": str(dispatch.id), "person_id": str(member.id),
        "talk_date": talk.talk_date.isoformat(), "place": "", "conducted_by_id": str(leader.id),
        "talk_form": "in_person", "key_points": talk.key_points, "concerns": "", "follow_up": "",
        "follow_up_due": "", "recorder_id": "", "version": str(talk.version),
    }
    response = twice(client, f"/talks/{talk.id}/edit",
                     {**data, "integrity_item_ids": [str(items[0].id)]},
                     {**data, "integrity_item_ids": [str(items[1].id)]})
    assert response.status_code == 409
    session.expire_all()
    assert [i.id for i in talk.integrity_items] == [items[0].id]
