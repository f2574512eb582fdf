"""Kept results (tracker.memo): reused while nothing changes, recomputed after any change."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from tracker import memo


@pytest.fixture
def keeping(app):
    """Turn keeping on for one test (the suite runs with it off)."""
    memo.forget()
    app.config["MEMO_SECONDS"] = 60
    yield
    app.config["MEMO_SECONDS"] = 0
    memo.forget()


def waiting(page: str) -> str:
    return re.search(r'id="fig-sessions-waiting">\s*<div[^>]*><div[^>]*>(\d+)', page).group(1)


def test_the_dashboard_is_kept_until_a_record_changes(client, signed_in, keeping, make_project, make_branch,
                                                      make_session, count_queries, session):
    branch = make_branch(projects=[make_project()])
    study = make_session(branch, status="draft", held_on=dt.date(2026, 6, 5))
    signed_in("secretary")
    assert waiting(client.get("/").get_data(as_text=True)) == "0"
    with count_queries() as kept:
        assert waiting(client.get("/").get_data(as_text=True)) == "0"
    assert kept.count <= 3, kept.statements  # the user, the data version: nothing else

    # each step writes history, so the data version moves on
    assert client.post(f"/study/{study.id}/submit").status_code == 302
    assert waiting(client.get("/").get_data(as_text=True)) == "1"
    response = client.post(f"/study/{study.id}/review", data={"approve": "Approve", "version": str(study.version)})
    assert response.status_code == 302 and study.status == "reviewed"
    assert waiting(client.get("/").get_data(as_text=True)) == "0"


def test_kept_results_are_per_scope_and_period(client, signed_in, keeping, make_project, make_branch, make_session,
                                               make_person):
    leader = make_person()
    mine = make_branch(projects=[make_project(team_leader=leader)])
    theirs = make_branch(projects=[make_project()])
    make_session(mine, status="submitted", held_on=dt.date(2026, 6, 5))
    make_session(theirs, status="submitted", held_on=dt.date(2026, 6, 5))
    signed_in("secretary")
    assert waiting(client.get("/").get_data(as_text=True)) == "2"
    assert waiting(client.get(f"/?branch_id={theirs.id}").get_data(as_text=True)) == "1"
    signed_in("team-leader", person=leader)
    assert waiting(client.get("/").get_data(as_text=True)) == "1"


def test_nothing_is_kept_when_turned_off(app, client, signed_in, make_project, make_branch, count_queries):
    make_branch(projects=[make_project()])
    signed_in("secretary")
    client.get("/")
    with count_queries() as second:
        client.get("/")
    assert second.count > 10


def test_list_totals_and_filter_options_are_kept_until_a_record_changes(
        client, signed_in, keeping, make_project, make_person, make_dispatch, count_queries):
    make_dispatch(make_person(), make_project(code="SJ-KEEP-1"))
    signed_in("secretary")
    page = client.get("/dispatches/").get_data(as_text=True)
    assert "1 records" in page and "SJ-KEEP-1" in page
    with count_queries() as kept:
        client.get("/dispatches/?page=1")  # another page of the same list: the same total
    assert not [s for s in kept.statements if "count(" in s.lower() or "ORDER BY project.code" in s]

    # a project and a dispatch made through the pages write history: the kept results go
    response = client.post("/projects/new", data={
        "name": "财政预算执行审计", "code": "SJ-KEEP-2", "audited_entity": "区财政局",
        "project_type": "cross_audit", "site": "区财政局", "start_date": "2026-07-01",
        "end_date": "2026-08-31", "status": "planned", "team_leader_id": ""})
    assert response.status_code == 302
    page = client.get("/dispatches/").get_data(as_text=True)
    assert "1 records" in page and "SJ-KEEP-2" in page
    response = client.post("/dispatches/new", data={
        "person_id": str(make_person().id), "project_id": response.location.rsplit("/", 1)[1],
        "departure_date": "2026-07-01", "return_date": "2026-07-20"})
    assert response.status_code == 302
    assert "2 records" in client.get("/dispatches/").get_data(as_text=True)


def test_kept_totals_and_options_are_each_users_own(client, signed_in, keeping, make_project, make_branch,
                                                     make_person, make_session):
    leader = make_person()
    mine = make_branch(name="支部-自己", projects=[make_project(team_leader=leader)])
    make_branch(name="支部-别人", projects=[make_project()])
    make_session(mine, status="submitted", held_on=dt.date(2026, 6, 5))
    signed_in("secretary")
    page = client.get("/study/").get_data(as_text=True)
    assert "支部-自己" in page and "支部-别人" in page
    signed_in("team-leader", person=leader)
    page = client.get("/study/").get_data(as_text=True)
    assert "支部-自己" in page and "支部-别人" not in page and "1 records" in page


def test_the_branch_page_panels_are_kept_until_a_record_changes(
        client, signed_in, keeping, make_project, make_branch, make_person, make_dispatch, count_queries):
    project = make_project()
    branch = make_branch(projects=[project])
    dispatch = make_dispatch(make_person("王待谈"), project)  # no talks yet: both are due
    signed_in("secretary")
    assert "王待谈" in client.get(f"/branches/{branch.id}").get_data(as_text=True)
    with count_queries() as kept:
        assert "王待谈" in client.get(f"/branches/{branch.id}").get_data(as_text=True)
    assert not [s for s in kept.statements if "FROM talk" in s or "FROM study_session" in s], kept.statements

    assert client.post(f"/dispatches/{dispatch.id}/delete").status_code == 302
    assert "王待谈" not in client.get(f"/branches/{branch.id}").get_data(as_text=True)


def test_the_branch_page_panels_are_kept_per_permission(client, signed_in, keeping, make_project, make_branch,
                                                        make_person):
    leader = make_person()
    branch = make_branch(projects=[make_project(team_leader=leader)])
    signed_in("secretary")
    assert "Log a study session" in client.get(f"/branches/{branch.id}").get_data(as_text=True)
    signed_in("viewer")
    page = client.get(f"/branches/{branch.id}").get_data(as_text=True)
    assert "Log a study session" not in page
