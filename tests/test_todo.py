"""The to-do box on the home page and its count in the navigation. Today is
2026-06-15; the default rules."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.conftest import sign_in
from tests.test_study import form_data
from tracker.study.models import StudySession
from tracker.todo import registry
from tracker.todo.entries import Entry

D = dt.date


@pytest.fixture
def site(make_person, make_project, make_branch, make_user, client):
    """A team leader's project and active branch (approved 1 May) with three members; the
    leader is signed in."""
    leader_person = make_person("王磊")
    lin, zheng = make_person("林芳"), make_person("郑浩")
    project = make_project(team_leader=leader_person)
    branch = make_branch(projects=[project], members=[(leader_person, "secretary"), lin, zheng],
                         approval_date=D(2026, 5, 1))
    leader = make_user("team-leader", person=leader_person)
    secretary = make_user("secretary")
    sign_in(client, leader)
    return {"branch": branch, "project": project, "leader": leader, "secretary": secretary,
            "leader_person": leader_person}


def box(page: str) -> str:
    match = re.search(r'<section[^>]*id="todo">(.*?)</section>', page, re.S)
    assert match, "no to-do box"
    return match.group(1)


def nav_count(page: str) -> int:
    match = re.search(r'id="nav-todo-count">(\d+)<', page)
    return int(match.group(1)) if match else 0


def entry(page: str, key: str) -> str | None:
    match = re.search(rf'<li class="todo-entry mb-2" id="todo-{key}">(.*?)</li>\s*(?=<li class="todo-entry|</ul>\s*</div>)',
                      box(page), re.S)
    return match.group(1) if match else None


def test_a_returned_record_shows_with_the_comment_until_it_is_resubmitted(client, site, session):
    client.post("/study/new", data=form_data(site, submit_review="Submit for review"))
    study = session.scalar(select(StudySession))
    assert entry(client.get("/").get_data(as_text=True), "sessions_returned") is None

    sign_in(client, site["secretary"])
    client.post(f"/study/{study.id}/review",
                data={"comment": "请补充会议决议", "return": "Return", "version": str(study.version)})
    assert study.status == "returned"

    sign_in(client, site["leader"])
    page = client.get("/").get_data(as_text=True)
    returned = entry(page, "sessions_returned")
    assert returned is not None and "请补充会议决议" in returned
    assert f'href="/study/{study.id}"' in returned
    assert 'href="/study/?status=returned&amp;author=me"' in returned
    assert "学习新修订的纪律处分条例" in client.get("/study/?status=returned&author=me").get_data(as_text=True)

    data = form_data(site, resolutions="已补充", version=str(study.version), submit_review="Submit for review")
    data.pop("branch_id")
    assert client.post(f"/study/{study.id}/edit", data=data).status_code == 302
    assert study.status == "submitted"
    assert entry(client.get("/").get_data(as_text=True), "sessions_returned") is None


def test_a_team_leader_sees_drafts_team_talks_and_branch_sessions_due(
        client, site, make_person, make_dispatch, make_talk, make_session, session):
    leader = site["leader"]
    late = make_dispatch(make_person("迟走"), site["project"], departure_date=D(2026, 5, 20))  # overdue
    make_dispatch(make_person("将走"), site["project"], departure_date=D(2026, 6, 18))  # due soon
    make_talk(late.person, site["leader_person"], dispatch=late, talk_date=D(2026, 6, 1), author_id=leader.id,
              talk_type="heart_to_heart")  # a draft of the leader's, fulfilling nothing
    make_session(site["branch"], held_on=D(2026, 6, 9), author_id=leader.id)  # a draft theme day
    page = client.get("/").get_data(as_text=True)
    assert "1" in entry(page, "draft_talks") and "迟走" in entry(page, "draft_talks")
    assert entry(page, "draft_sessions") is not None
    talks_due = entry(page, "team_talks_due")
    assert re.search(r'todo-count">2<', talks_due) and 'href="/due/?state=action&amp;what=talks"' in talks_due
    # June's theme party day was due on the 10th and the draft does not count
    missing = entry(page, "branches_missing_sessions")
    assert site["branch"].name in missing and "Study sessions due for your branches" in missing
    assert entry(page, "sessions_waiting") is None and entry(page, "overdue_talks") is None  # secretary's
    # the navigation counts what waits for the leader's own hand (the two drafts), not the
    # due items over all the data, which the box lists
    assert nav_count(page) == 2
    assert nav_count(page) == sum(int(re.search(r'todo-count">(\d+)<', entry(page, key)).group(1))
                                  for key in ("draft_talks", "draft_sessions"))


def test_the_secretary_sees_what_waits_oldest_first_and_what_is_overdue(
        client, site, make_person, make_dispatch, make_session, make_talk):
    branch = site["branch"]
    newer = make_session(branch, session_type="group_study", topic="新近提交", held_on=D(2026, 6, 8), status="submitted",
                         submitted_at=dt.datetime(2026, 6, 12, tzinfo=dt.UTC))
    older = make_session(branch, session_type="group_study", topic="早已提交", held_on=D(2026, 5, 8), status="submitted",
                         submitted_at=dt.datetime(2026, 5, 20, tzinfo=dt.UTC))
    for n in range(3):
        make_dispatch(make_person(f"逾期{n}"), site["project"], departure_date=D(2026, 3, 1 + n))
    sign_in(client, site["secretary"])
    page = client.get("/").get_data(as_text=True)
    waiting = entry(page, "sessions_waiting")
    assert waiting.index(f"/study/{older.id}/review") < waiting.index(f"/study/{newer.id}/review")
    assert "waiting 26 days" in waiting and 'href="/study/?status=submitted"' in waiting
    overdue = entry(page, "overdue_talks")
    assert re.search(r'todo-count">3<', overdue) and 'href="/due/?state=overdue&amp;what=talks"' in overdue
    assert entry(page, "overdue_checkpoints") is not None  # the project's disclosure, due 06-08
    assert site["branch"].name in entry(page, "branches_missing_sessions")
    assert entry(page, "team_talks_due") is None
    # the navigation shows the same total on every page
    assert nav_count(client.get("/people/").get_data(as_text=True)) == nav_count(page) > 0


def test_a_viewer_has_an_empty_box_and_no_count(client, site, make_session, make_user):
    make_session(site["branch"], status="submitted", submitted_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    sign_in(client, make_user("viewer"))
    page = client.get("/").get_data(as_text=True)
    assert "Nothing to do for now." in box(page) and nav_count(page) == 0


def test_members_home_is_left_alone(client, make_user, make_person):
    member = make_user("member", person=make_person())
    sign_in(client, member)
    page = client.get("/").get_data(as_text=True)
    assert 'id="todo"' not in page and 'id="nav-todo"' not in page


def test_the_count_costs_one_query_for_the_records_and_due_items_whatever_the_data(
        app, client, site, make_person, make_dispatch, make_session, count_queries):
    secretary = site["secretary"]
    assert secretary.roles  # loaded: the count's own queries only
    with app.test_request_context():
        with count_queries() as few:
            registry.badge(secretary)
    for n in range(5):
        make_dispatch(make_person(), site["project"], departure_date=D(2026, 3, 1 + n))
        make_session(site["branch"], status="submitted", submitted_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    with app.test_request_context():
        with count_queries() as many:
            n = registry.badge(secretary)
    # one query of every count the navigation shows: the due items (and the study rules'
    # three queries) are counted only where the box is shown
    assert many.count == few.count == 1, many.statements
    assert n >= 5  # the five sessions waiting for review


def test_an_item_is_one_function_and_one_line(app, site, monkeypatch, count_queries):
    from sqlalchemy import func

    from tracker.people.models import Person

    def site_people(ctx):
        return Entry("site_people", "People of the site", "/people/",
                     select(func.count(Person.id)).where(Person.name.in_(["王磊", "林芳", "郑浩"])))

    assert site["leader"].roles
    with app.test_request_context():
        before = registry.badge(site["leader"])
    monkeypatch.setattr(registry, "ITEMS", (*registry.ITEMS, site_people))
    with app.test_request_context():
        with count_queries() as counter:
            after = registry.badge(site["leader"])
        assert [c.entry.key for c in registry.counted(site["leader"])][-1] == "site_people"
    assert after == before + 3  # 王磊, 林芳, 郑浩
    assert counter.count == 1  # as many as without it: its count joins the others'


def test_the_home_page_computes_the_figures_the_box_shares_with_the_dashboard_once(
        client, site, make_person, make_dispatch, make_session, monkeypatch):
    from tracker.dashboard import figures
    from tracker.due import engine

    make_session(site["branch"], status="submitted", submitted_at=dt.datetime(2026, 5, 20, tzinfo=dt.UTC))
    for n in range(2):
        make_dispatch(make_person(f"逾期{n}"), site["project"], departure_date=D(2026, 3, 1 + n))
    calls = {"due_state_counts": 0, "for_branches": 0}

    def counting(name, function):
        def counted(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return counted

    monkeypatch.setattr(figures, "due_state_counts", counting("due_state_counts", engine.due_state_counts))
    monkeypatch.setattr(figures.study_rules, "for_branches",
                        counting("for_branches", figures.study_rules.for_branches))
    sign_in(client, site["secretary"])
    page = client.get("/").get_data(as_text=True)  # this month, every branch: the box's cut
    assert calls == {"due_state_counts": 1, "for_branches": 1}
    # the box's numbers are the headline's
    assert re.search(r'todo-count">2<', entry(page, "overdue_talks"))
    assert re.search(r'id="fig-talks-overdue">\s*<div class="card-body py-2"><div class="fs-3 fw-bold[^"]*">2<', page)
    # another period: the dashboard's study gaps for the year, the box's for this month; the
    # open figures, whatever the period, once
    client.get("/?period=year")
    assert calls["for_branches"] == 3 and calls["due_state_counts"] == 2
