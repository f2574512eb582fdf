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
