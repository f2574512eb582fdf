"""Branches, members and dispatches: the rules of DESIGN.md as the pages apply them."""
from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import TODAY
from tracker.branches.models import Branch, Membership
from tracker.dispatches import rules
from tracker.dispatches.models import Dispatch
from tracker.projects.models import Project


def branch_form(project_ids, **kw):
    return {"name": "临时党支部", "approved_by": "机关党委", "approval_date": "2026-06-01",
            "project_ids": [str(i) for i in project_ids], **kw}


def test_forming_a_branch_makes_the_secretary_a_member(client, signed_in, make_project, make_person, session):
    project = make_project()
    wang = make_person("王磊")
    signed_in("secretary")
    response = client.post("/branches/new", data=branch_form([project.id], secretary_id=str(wang.id)))
    assert response.status_code == 302
    branch = session.scalar(select(Branch))
    assert branch.status == "proposed"
    assert [(m.person_id, m.role, m.joined_on) for m in branch.memberships] == [(wang.id, "secretary", dt.date(2026, 6, 1))]
    assert branch.projects == [project]


def test_a_project_has_at_most_one_live_branch(client, signed_in, make_project, make_branch):
    project = make_project(code="SJ-X")
    make_branch(projects=[project], name="已有支部")
    signed_in("secretary")
    response = client.post("/branches/new", data=branch_form([project.id]))
    assert response.status_code == 400
    assert "Project SJ-X already has a temporary branch: 已有支部." in response.get_data(as_text=True)


def test_a_dissolved_branch_frees_the_project_and_stays_readable(client, signed_in, make_project, make_branch, make_person, session):
    project = make_project()
    member = make_person("林芳")
    branch = make_branch(projects=[project], members=[member])
    signed_in("secretary")
    response = client.post(f"/branches/{branch.id}/dissolve", data={"dissolved_on": "2026-06-10", "version": str(branch.version)})
    assert response.status_code == 302
    session.expire_all()
    assert branch.status == "dissolved" and branch.dissolved_on == dt.date(2026, 6, 10)
    assert branch.memberships[0].left_on == dt.date(2026, 6, 10)
    page = client.get(f"/branches/{branch.id}").get_data(as_text=True)
    assert "林芳" in page and "Dissolved" in page
    assert client.post("/branches/new", data=branch_form([project.id])).status_code == 302


def test_dissolving_before_approval_is_refused(client, signed_in, make_project, make_branch):
    branch = make_branch(projects=[make_project()], approval_date=dt.date(2026, 6, 1))
    signed_in("secretary")
    response = client.post(f"/branches/{branch.id}/dissolve", data={"dissolved_on": "2026-05-01", "version": str(branch.version)})
    assert response.status_code == 400
    assert "A branch cannot be dissolved before it was approved." in response.get_data(as_text=True)


def test_approving_activates(client, signed_in, make_project, make_branch, session):
    branch = make_branch(projects=[make_project()], status="proposed")
    signed_in("admin")
    assert client.post(f"/branches/{branch.id}/approve").status_code == 302
    session.expire_all()
    assert branch.status == "active"


def test_member_twice_over_the_same_days_is_refused(client, signed_in, make_project, make_branch, make_person):
    person = make_person()
    branch = make_branch(projects=[make_project()], members=[person])
    signed_in("secretary")
    response = client.post(f"/branches/{branch.id}/members/new", data={
        "person_id": str(person.id), "role": "member", "joined_on": "2026-06-10"})
    assert response.status_code == 400
    assert "This person is already a member over these dates." in response.get_data(as_text=True)


def test_left_before_joined_is_refused(client, signed_in, make_project, make_branch, make_person):
    branch = make_branch(projects=[make_project()])
    signed_in("secretary")
    response = client.post(f"/branches/{branch.id}/members/new", data={
        "person_id": str(make_person().id), "role": "member", "joined_on": "2026-06-10", "left_on": "2026-06-01"})
    assert response.status_code == 400
    assert "Leaving cannot come before joining." in response.get_data(as_text=True)


def test_team_leader_can_only_dispatch_to_own_projects(client, signed_in, make_project, make_person, session):
    leader = signed_in("team-leader")
    mine = make_project(team_leader=leader.person)
    other = make_project()
    person = make_person()
    data = {"person_id": str(person.id), "departure_date": "2026-06-20", "return_date": "2026-07-20"}
    assert client.post("/dispatches/new", data={**data, "project_id": str(other.id)}).status_code == 400
    assert client.post("/dispatches/new", data={**data, "project_id": str(mine.id)}).status_code == 302
    assert session.scalars(select(Dispatch.project_id)).all() == [mine.id]


def test_return_before_departure_is_refused(client, signed_in, make_project, make_person):
    signed_in("secretary")
    response = client.post("/dispatches/new", data={
        "person_id": str(make_person().id), "project_id": str(make_project().id),
        "departure_date": "2026-06-20", "return_date": "2026-06-19"})
    assert response.status_code == 400
    assert "The return date cannot be before the departure date." in response.get_data(as_text=True)


def test_overlapping_dispatch_warns_then_saves_when_confirmed(client, signed_in, make_project, make_person, make_dispatch, session):
    person = make_person()
    first = make_project(code="SJ-A")
    make_dispatch(person, first, departure_date=dt.date(2026, 6, 1), return_date=dt.date(2026, 6, 30))
    second = make_project(code="SJ-B")
    signed_in("secretary")
    data = {"person_id": str(person.id), "project_id": str(second.id),
            "departure_date": "2026-06-30", "return_date": "2026-07-15"}
    response = client.post("/dispatches/new", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "This person is already dispatched over some of these days: SJ-A" in page
    assert "Save anyway" in page
    assert client.post("/dispatches/new", data={**data, "confirm_overlap": "y"}).status_code == 302
    assert len(session.scalars(select(Dispatch)).all()) == 2


def test_branch_needed_rule(make_project, make_person, make_dispatch, make_branch):
    long = make_project(start_date=TODAY, end_date=TODAY + dt.timedelta(days=29))  # 30 days
    short = make_project(start_date=TODAY, end_date=TODAY + dt.timedelta(days=28))  # 29 days
    served = make_project(start_date=TODAY, end_date=TODAY + dt.timedelta(days=60))
    few = make_project(start_date=TODAY, end_date=TODAY + dt.timedelta(days=60))
    full = [make_person() for _ in range(3)]
    for project in (long, short, served):
        for person in full:
            make_dispatch(person, project)
    for person in full[:2] + [make_person(party_status="probationary")]:
        make_dispatch(person, few)
    make_branch(projects=[served])
    assert rules.branch_needed([long.id, short.id, served.id, few.id]) == {long.id}


#: a project: (days it lasts, its dispatches: (person, deleted), its branches: status or deleted)
_projects = st.lists(st.tuples(
    st.integers(27, 32),
    st.lists(st.tuples(st.integers(0, 5), st.booleans()), max_size=6),
    st.lists(st.sampled_from(["active", "proposed", "dissolved", "deleted"]), max_size=2),
), min_size=1, max_size=5)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects=_projects, statuses=st.lists(st.sampled_from(["full", "probationary", "deleted"]), min_size=6,
                                              max_size=6))
def test_needing_branch_finds_what_the_rule_says(app, session, make_project, make_person, make_dispatch,
                                                 make_branch, projects, statuses):
    """The dashboard's query (`needing_branch`) and the pages' (`branch_needed`) find what the
    rule, said in Python over the random data, finds: at least N days, at least M distinct
    live full members with a live dispatch, no branch that is neither deleted nor dissolved."""
    nested = session.begin_nested()
    try:
        people = [make_person(party_status="probationary" if s == "probationary" else "full") for s in statuses]
        for person, s in zip(people, statuses, strict=True):
            if s == "deleted":
                person.deleted_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        made = []
        for days, dispatches, branches in projects:
            project = make_project(start_date=TODAY, end_date=TODAY + dt.timedelta(days=days))
            made.append(project)
            for n, deleted in dispatches:
                dispatch = make_dispatch(people[n], project)
                if deleted:
                    dispatch.deleted_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
            for status in branches:
                branch = make_branch(projects=[project], status="active" if status == "deleted" else status)
                if status == "deleted":
                    branch.deleted_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        session.flush()
        ids = [p.id for p in made]
        found = rules.needing_branch(select(Project.id).where(Project.id.in_(ids)), Project.code,
                                     order_by=(Project.code,))
        rule = app.config["RULES"]
        expected = {
            project.id for project, (days, dispatches, branches) in zip(made, projects, strict=True)
            if days + 1 >= rule["branch_needed_min_days"]
            and len({n for n, deleted in dispatches if not deleted and statuses[n] == "full"})
            >= rule["branch_needed_min_members"]
            and not any(status in ("active", "proposed") for status in branches)
        }
        assert {r.id for r in found} == expected
        assert rules.branch_needed(ids) == expected
        assert rules.branch_needed(ids[:1]) == expected & set(ids[:1])
        assert [r.code for r in found] == sorted(r.code for r in found)
    finally:
        nested.rollback()


def test_person_page_shows_dispatches_and_memberships(client, signed_in, make_person, make_project, make_dispatch, make_branch):
    person = make_person("黄丽")
    project = make_project(name="专项审计")
    make_dispatch(person, project)
    make_branch(projects=[project], members=[person], name="专项审计临时党支部")
    signed_in("viewer")
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "专项审计" in page and "专项审计临时党支部" in page


def test_membership_current_on():
    m = Membership(joined_on=dt.date(2026, 6, 1), left_on=dt.date(2026, 6, 30))
    assert not m.current_on(dt.date(2026, 5, 31))
    assert m.current_on(dt.date(2026, 6, 1)) and m.current_on(dt.date(2026, 6, 30))
    assert not m.current_on(dt.date(2026, 7, 1))
