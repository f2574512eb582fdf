"""due_items() against the database: what counts as done, dates that change, filters,
and a constant number of queries for thousands of dispatches."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from tests.conftest import TODAY
from tracker import clock
from tracker.dispatches.models import Dispatch
from tracker.due import DueFilters, due_items, due_items_each

days = dt.timedelta


def talks_of(dispatch):
    return {i.kind: i for i in due_items(DueFilters(dispatch_id=dispatch.id))}


@pytest.fixture
def team(make_person, make_project, make_dispatch, make_branch):
    """A project with a branch; its secretary; a member dispatched from 5 days ago for 20 days."""
    leader = make_person("组长")
    member = make_person("组员")
    project = make_project(team_leader=leader)
    branch = make_branch(projects=[project], members=[(leader, "secretary"), member])
    dispatch = make_dispatch(member, project, departure_date=TODAY - days(5), return_date=TODAY + days(15))
    return {"leader": leader, "member": member, "project": project, "branch": branch, "dispatch": dispatch}


def test_a_missing_pre_talk_is_overdue_and_the_post_talk_not_yet_due(team):
    items = talks_of(team["dispatch"])
    assert items["pre_talk"].state == "overdue"
    assert items["pre_talk"].due_on == TODAY - days(5)
    assert items["post_talk"].state == "not_yet_due"
    assert items["post_talk"].due_on == TODAY + days(25)
    assert items["pre_talk"].branches == ()  # not asked for: one query less


def test_items_name_the_branches_serving_their_project_when_asked(team):
    items = due_items(DueFilters(dispatch_id=team["dispatch"].id), with_branches=True)
    assert [i.branches for i in items] == [((team["branch"].id, team["branch"].name),)] * 2


def test_a_draft_talk_counts_as_done_and_carries_its_status(team, make_talk):
    talk = make_talk(team["member"], team["leader"], dispatch=team["dispatch"])
    item = talks_of(team["dispatch"])["pre_talk"]
    assert (item.state, item.done_on, item.talk_id, item.talk_status) == ("done", talk.talk_date, talk.id, "draft")


def test_a_deleted_talk_does_not_count(team, make_talk, session):
    talk = make_talk(team["member"], team["leader"], dispatch=team["dispatch"])
    talk.deleted_at = clock.now()
    session.flush()
    assert talks_of(team["dispatch"])["pre_talk"].state == "overdue"


def test_the_earliest_talk_of_a_type_counts(team, make_talk):
    d = team["dispatch"]
    make_talk(team["member"], team["leader"], dispatch=d, talk_date=d.departure_date)
    first = make_talk(team["member"], team["leader"], dispatch=d, talk_date=d.departure_date - days(2))
    assert talks_of(d)["pre_talk"].talk_id == first.id


def test_other_talk_types_do_not_fulfil_a_due_talk(team, make_talk):
    make_talk(team["member"], team["leader"], talk_type="integrity_reminder", dispatch=team["dispatch"])
    assert talks_of(team["dispatch"])["pre_talk"].state == "overdue"


def test_states_follow_when_the_dispatch_dates_change_after_the_talk(team, make_talk, session):
    d = team["dispatch"]
    make_talk(team["member"], team["leader"], dispatch=d, talk_date=d.departure_date)
    assert talks_of(d)["pre_talk"].state == "done"
    d.departure_date -= days(3)  # the departure was in fact earlier than the talk
    session.flush()
    assert talks_of(d)["pre_talk"].state == "done_late"
    d.departure_date += days(10)
    session.flush()
    assert talks_of(d)["pre_talk"].state == "done"


def test_return_date_moving_makes_the_post_talk_follow(team, session):
    d = team["dispatch"]
    d.return_date = TODAY - days(1)  # came back early
    session.flush()
    assert talks_of(d)["post_talk"].state == "due_soon"  # the window opened on the return date
    d.return_date = TODAY - days(11)
    session.flush()
    assert talks_of(d)["post_talk"].state == "overdue"


def test_a_talk_exactly_on_the_due_day_with_days_before_departure(team, make_talk, app):
    d = team["dispatch"]
    rules = {**app.config["RULES"], "pre_talk_days_before_departure": 2}
    make_talk(team["member"], team["leader"], dispatch=d, talk_date=d.departure_date - days(2))
    assert due_items(DueFilters(dispatch_id=d.id), rules=rules)[0].state == "done"
    make_talk(team["member"], team["leader"], dispatch=d, talk_date=d.departure_date - days(3))
    assert due_items(DueFilters(dispatch_id=d.id), rules=rules)[0].state == "done"


def test_deleted_dispatches_and_projects_have_nothing_due(team, session):
    team["dispatch"].deleted_at = clock.now()
    session.flush()
    assert talks_of(team["dispatch"]) == {}
    team["dispatch"].deleted_at = None
    team["project"].deleted_at = clock.now()
    session.flush()
    assert due_items(DueFilters(project_id=team["project"].id)) == []


def test_checkpoints_have_due_dates_and_done_days(team, session):
    project = team["project"]
    checkpoint = next(c for c in project.checkpoints if c.kind == "disclosure")
    checkpoint.done_on = project.start_date + days(5)
    session.flush()
    items = {i.kind: i for i in due_items(DueFilters(project_id=project.id))}
    assert items["disclosure"].state == "done_late"  # due 3 days after the start
    assert items["pledges"].state == "overdue"
    assert items["closing_report"].due_on == project.end_date
    assert items["revisit"].state == "not_yet_due"


def test_a_project_without_checkpoint_rows_still_has_them_due(make_project, session):
    project = make_project(start_date=TODAY + days(30), end_date=TODAY + days(60))
    for c in list(project.checkpoints):
        session.delete(c)
    session.flush()
    kinds = [i.kind for i in due_items(DueFilters(project_id=project.id))]
    assert kinds == ["disclosure", "pledges", "mid_check", "closing_report", "revisit"]


def test_filters(team, make_person, make_project, make_dispatch):
    other_leader = make_person()
    other = make_project(team_leader=other_leader)
    stranger = make_dispatch(make_person(), other, departure_date=TODAY + days(30), return_date=TODAY + days(40))
    talks = frozenset({"pre_talk", "post_talk"})

    def dispatch_ids(**kw):
        return {i.dispatch_id for i in due_items(DueFilters(kinds=talks, **kw))}

    mine = team["dispatch"].id
    assert dispatch_ids() >= {mine, stranger.id}
    assert dispatch_ids(branch_id=team["branch"].id) == {mine}
    assert dispatch_ids(project_id=other.id) == {stranger.id}
    assert dispatch_ids(person_id=team["member"].id) == {mine}
    assert dispatch_ids(leader_person_id=team["leader"].id) == {mine}
    assert dispatch_ids(project_ids=frozenset({other.id})) == {stranger.id}
    assert dispatch_ids(states=frozenset({"overdue"})) >= {mine}
    assert stranger.id not in dispatch_ids(states=frozenset({"overdue"}))
    # a period selects by due date: only the stranger's pre-talk is due 30 days out
    period = due_items(DueFilters(kinds=talks, due_from=TODAY + days(29), due_to=TODAY + days(31)))
    assert [(i.dispatch_id, i.kind) for i in period] == [(stranger.id, "pre_talk")]
    # a person or dispatch filter has no project checkpoints
    assert all(i.is_talk for i in due_items(DueFilters(person_id=team["member"].id)))


def test_several_lists_in_one_query_are_each_list_alone(team, make_person, make_project, make_dispatch,
                                                        count_queries):
    """due_items_each: the lists of due_items for each filter, in their order, from one query."""
    other = make_project(team_leader=make_person())
    make_dispatch(make_person(), other, departure_date=TODAY + days(30), return_date=TODAY + days(40))
    make_dispatch(make_person(), team["project"], departure_date=TODAY - days(30), return_date=TODAY)
    talks, checkpoints = frozenset({"pre_talk", "post_talk"}), frozenset({"disclosure", "closing_report"})
    each = [DueFilters(branch_id=team["branch"].id, kinds=talks, states=frozenset({"overdue", "due_soon"})),
            DueFilters(kinds=checkpoints), DueFilters(dispatch_id=-1), DueFilters(person_id=team["member"].id),
            DueFilters()]
    with count_queries() as counter:
        lists = due_items_each(*each)
    assert counter.count == 1
    assert lists == [due_items(filters) for filters in each]
    assert all(lists[:2]) and not lists[2]
    assert due_items_each(DueFilters(kinds=frozenset())) == [[]]


def test_items_come_earliest_due_first(team, make_dispatch, make_person):
    make_dispatch(make_person(), team["project"], departure_date=TODAY - days(30), return_date=TODAY)
    dues = [i.due_on for i in due_items()]
    assert dues == sorted(dues)


def _bulk_dispatches(session, person, project, n):
    rows = [{
        "person_id": person.id, "project_id": project.id,
        "departure_date": TODAY - days(n % 90), "return_date": TODAY + days(n % 60),
        "note": "", "created_at": clock.now(), "updated_at": clock.now(), "version": 1,
    } for n in range(n)]
    session.execute(insert(Dispatch), rows)


def test_thousands_of_dispatches_cost_the_same_number_of_queries(team, make_person, session, count_queries):
    with count_queries() as few:
        assert len(due_items()) > 0
    _bulk_dispatches(session, make_person(), team["project"], 3000)
    with count_queries() as many:
        items = due_items()
    assert len([i for i in items if i.is_talk]) >= 6000
    assert many.count == few.count <= 5, many.statements
